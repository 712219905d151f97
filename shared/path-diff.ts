import { canonicalPart } from './canonical-crc';
import { isJsonObject, type JsonObject, type JsonValue } from './json';
import type { PathSegment } from './json';
import { indexOfId } from './id-index';
import { MAX_CHANGES, type StateChange } from './path-changes';
import { PatchedArray, plainOf, type StoredState, type StoredValue } from './patched-array';
import { replacedBetween } from './replaced-items';

type Maybe = JsonValue | undefined;
type Stored = StoredValue | undefined;

/**
 * The path-level changes that turn `before` into `after` (values of top-level `key`), found by
 * identity: what the two share is skipped with one comparison, so an edit of one item of a long
 * list yields one small change. Arrays whose items all carry an `id` are followed by id (items
 * added are inserted after their predecessor, removed ones removed); a reorder, an array without
 * ids, or more than MAX_CHANGES changes sets the whole value instead.
 */
export function changesBetween(key: string, before: Stored, after: Stored): StateChange[] {
  const changes: StateChange[] = [];
  if (!collectPatched([key], before, after, changes)) collect([key], plainOf(before), plainOf(after), changes);
  if (changes.length <= MAX_CHANGES) return changes;
  return after === undefined ? [{ op: 'remove', path: [key] }] : [{ op: 'set', path: [key], value: plainOf(after) }];
}

/**
 * Two versions of a wide list, one or both a PatchedArray with the same base (the activity's
 * edits of items of the confirmed list): they differ at most at the places either replaced, so
 * only those are compared. False when that does not hold: the lists are compared plain.
 */
function collectPatched(path: PathSegment[], before: Stored, after: Stored, out: StateChange[]): boolean {
  const patched = after instanceof PatchedArray ? after : before instanceof PatchedArray ? before : undefined;
  const other = patched === after ? before : after;
  if (!patched || !(Array.isArray(other) || other instanceof PatchedArray) || !patched.sharesBase(other)) return false;
  const places = new Set(patched.replacedIndices());
  if (other instanceof PatchedArray) for (const index of other.replacedIndices()) places.add(index);
  const indexOf = (id: PathSegment) => (before instanceof PatchedArray ? before.indexOfId(id) : indexOfId(before as JsonValue[], id));
  return collectAt(path, before as Items, after as Items, [...places].sort((a, b) => a - b), indexOf, out);
}

function collect(path: PathSegment[], before: Maybe, after: Maybe, out: StateChange[]): void {
  if (before === after || out.length > MAX_CHANGES) return;
  if (after === undefined) {
    out.push({ op: 'remove', path });
  } else if (isJsonObject(before as JsonValue) && isJsonObject(after)) {
    collectObject(path, before as JsonObject, after, out);
  } else if (!Array.isArray(before) || !Array.isArray(after) || !collectArray(path, before, after, out)) {
    out.push({ op: 'set', path, value: after });
  }
}

function collectObject(path: PathSegment[], before: JsonObject, after: JsonObject, out: StateChange[]): void {
  for (const key of Object.keys(before)) {
    if (!Object.hasOwn(after, key)) out.push({ op: 'remove', path: [...path, key] });
  }
  for (const key of Object.keys(after)) {
    collect([...path, key], Object.hasOwn(before, key) ? before[key] : undefined, after[key], out);
  }
}

function idOf(item: Maybe): PathSegment | undefined {
  const id = isJsonObject(item as JsonValue) ? (item as JsonObject).id : undefined;
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}

/** Changes item by item; false when the array must be set whole (no ids, duplicates, a reorder). */
function collectArray(path: PathSegment[], before: JsonValue[], after: JsonValue[], out: StateChange[]): boolean {
  if (before.length === after.length && collectInPlace(path, before, after, out)) return true;
  const beforeIds = idsOf(before);
  const afterIds = idsOf(after);
  if (!beforeIds || !afterIds || reordered(beforeIds, afterIds)) return false;
  const kept = new Set(afterIds.keys());
  for (const id of beforeIds.keys()) if (!kept.has(id)) out.push({ op: 'remove', path: [...path, id] });
  let previous: PathSegment | null = null;
  for (const [id, index] of afterIds) {
    const item = after[index] as JsonValue;
    const old = beforeIds.get(id);
    if (old === undefined) out.push({ op: 'insert', path, value: item, after: previous });
    else collect([...path, id], before[old], item, out);
    previous = id;
  }
  return true;
}

/**
 * Items edited where they stand, same ids at the same places: the common case, without maps. A
 * path names the first item with its id, so an edited item must be the first with its id.
 */
function collectInPlace(path: PathSegment[], before: JsonValue[], after: JsonValue[], out: StateChange[]): boolean {
  // an array made from `before` by replacing items (the activity's edit of one item) says where: a list of thousands is not walked
  const places = replacedBetween(before, after) ?? after.keys();
  return collectAt(path, before, after, places, (id) => indexOfId(before, id), out);
}

/** An indexed list: a plain array or a PatchedArray. */
interface Items {
  readonly length: number;
  at(index: number): JsonValue | undefined;
}

/** The changes of the items at `places` (same lengths, same ids there); false when an item there changed its id. */
function collectAt(path: PathSegment[], before: Items, after: Items, places: Iterable<number>, indexOf: (id: PathSegment) => number, out: StateChange[]): boolean {
  if (before.length !== after.length) return false;
  const edited: number[] = [];
  for (const index of places) {
    if (before.at(index) === after.at(index)) continue;
    const id = idOf(after.at(index));
    if (id === undefined || id !== idOf(before.at(index)) || indexOf(id) !== index) return false;
    edited.push(index);
  }
  for (const index of edited) collect([...path, idOf(after.at(index)) as PathSegment], before.at(index), after.at(index), out);
  return true;
}

/** id -> index, or null when an item has no id or one is repeated. */
function idsOf(items: JsonValue[]): Map<PathSegment, number> | null {
  const ids = new Map<PathSegment, number>();
  for (let index = 0; index < items.length; index++) {
    const id = idOf(items[index]);
    if (id === undefined || ids.has(id)) return null;
    ids.set(id, index);
  }
  return ids;
}

/** True when the items both arrays hold are not in the same relative order. */
function reordered(before: Map<PathSegment, number>, after: Map<PathSegment, number>): boolean {
  let last = -1;
  for (const id of after.keys()) {
    const position = before.get(id);
    if (position === undefined) continue;
    if (position < last) return true;
    last = position;
  }
  return false;
}

/** What goes on the wire for a batch: its keys as path-level changes. */
export interface UpdateBody {
  body: { changes: StateChange[] } | { updates: JsonObject };
  /** Canonical bytes of the values it carries: what the server's MAX_UPDATE_BYTES counts. */
  bytes: number;
}

/**
 * The changes from the confirmed values to `updates`. A batch that changes nothing (undone, or
 * merged away) still goes, as empty `updates`, so that its id is acknowledged and not sent again.
 */
export function updateBody(updates: StoredState, confirmed: (key: string) => Stored): UpdateBody {
  const changes = Object.entries(updates).flatMap(([key, value]) => changesBetween(key, confirmed(key), value));
  if (changes.length === 0) return { body: { updates: {} }, bytes: 0 };
  return { body: { changes }, bytes: bytesOf(changes.flatMap((change) => (change.op === 'remove' ? [] : [change.value]))) };
}

function bytesOf(values: JsonValue[]): number {
  return values.reduce<number>((sum, value) => sum + canonicalPart(value).bytes, 0);
}
