import type { Delta } from '../../shared/diff';
import { ProtocolError } from '../../shared/errors';
import { deepEqual, isJsonObject, type JsonValue } from '../../shared/json';
import { GAME_MASTER_KEYS, OWNED_LIST_KEY, type TableRoles } from '../../shared/roles-protocol';
import { isStaff } from './role-rules';
import { plainOf, type StoredValue } from '../../shared/patched-array';
import type { StateDocument } from '../../shared/state-document';

type Maybe = JsonValue | undefined;

/** What a guard sees of an update once merged: the table's roles in its turn, the keys' deltas, values before and after. */
export interface PlannedChange {
  readonly roles: TableRoles;
  readonly delta: Record<string, Delta>;
  before(key: string): Maybe;
  after(key: string): Maybe;
}

/** Throws `forbidden` for an update its sender may not make; runs before anything changes. */
export type UpdateGuard = (change: PlannedChange) => void;

/**
 * The rules of a player's update (game masters have none, as the roles are in its turn): the game master keys (turn order,
 * hidden pages) are theirs alone, and a sheet with an owner is edited by its owner only. Only
 * the keys the update changed are looked at, and of a sheet list only the items its delta names.
 * Made once per sender: the roles are read from each change, as they are in its turn.
 */
export function updateGuardFor(userId: string): UpdateGuard {
  return (change) => {
    if (isStaff(change.roles, userId)) return;
    const { delta } = change;
    for (const key in delta) if (GAME_MASTER_KEYS.has(key)) throw new ProtocolError('forbidden', `only the host and game masters change "${key}"`);
    const sheets = delta[OWNED_LIST_KEY];
    if (sheets === undefined) return;
    const foreign = touchedItems(sheets, change.before(OWNED_LIST_KEY), change.after(OWNED_LIST_KEY)).find((item) => !ownedBy(item, userId));
    if (foreign) throw new ProtocolError('forbidden', 'a sheet with an owner is edited by its owner and the game masters only');
  };
}

/** A planned update as its guard sees it, before anything changes (one object per update, no closures). */
export class PlannedUpdate implements PlannedChange {
  constructor(
    readonly roles: TableRoles,
    readonly delta: Record<string, Delta>,
    private readonly doc: StateDocument,
    private readonly values: ReadonlyMap<string, StoredValue | undefined>,
  ) {}

  before(key: string): Maybe {
    return plainOf(this.doc.get(key));
  }

  after(key: string): Maybe {
    return plainOf(this.values.get(key));
  }
}

function ownedBy(item: Maybe, userId: string): boolean {
  const owner = isJsonObject(item) ? item.ownerId : undefined;
  return typeof owner !== 'string' || owner === userId;
}

/**
 * The items, before and after, that an array delta adds, removes or changes. jsondiffpatch names
 * a changed or added item by its index after, a removed one by `_` and its index before; a list
 * replaced whole (a costly diff, a new key) is compared item by item through their ids.
 */
export function touchedItems(delta: Delta, before: Maybe, after: Maybe): Maybe[] {
  const old = Array.isArray(before) ? before : [];
  const now = Array.isArray(after) ? after : [];
  if (!isJsonObject(delta as JsonValue) || (delta as Record<string, unknown>)._t !== 'a') return changedById(old, now);
  const touched: Maybe[] = [];
  for (const key of Object.keys(delta as object)) {
    if (key === '_t') continue;
    if (key.startsWith('_')) touched.push(old[Number(key.slice(1))]);
    else {
      const item = now[Number(key)];
      touched.push(item, old.find((each) => sameId(each, item)));
    }
  }
  return touched;
}

function changedById(old: JsonValue[], now: JsonValue[]): Maybe[] {
  const touched: Maybe[] = [];
  for (const item of now) {
    const was = old.find((each) => sameId(each, item));
    if (was === undefined || !deepEqual(was, item)) touched.push(item, was);
  }
  for (const item of old) if (!now.some((each) => sameId(each, item))) touched.push(item);
  return touched;
}

function sameId(a: Maybe, b: Maybe): boolean {
  return isJsonObject(a) && isJsonObject(b) && a.id !== undefined && a.id === b.id;
}
