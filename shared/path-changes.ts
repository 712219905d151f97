import { z } from 'zod';
import { recordArrayEdit, recordObjectEdit } from './canonical-crc';
import { indexOfId, shareIdIndex } from './id-index';
import { ProtocolError } from './errors';
import { isJsonObject, type JsonObject, type JsonValue } from './json';
import { DELTA_MARKER_KEY, MAX_JSON_DEPTH } from './json-shape';
import type { PathSegment } from './json';
import { valueAt } from './merge-intents';
import { PATCHED_FROM, PatchedArray, plainOf, type StoredValue } from './patched-array';

type Maybe = JsonValue | undefined;
type Stored = StoredValue | undefined;

/** At most this many changes in one update: each costs a walk down its path. */
export const MAX_CHANGES = 256;

/**
 * One path-level change of `update-game-state` (docs/protocol.md, P-rules). A path starts at a
 * top-level key and goes down through object keys and the `id`s of array items, as intents do.
 * `set` replaces (or adds, in an object) the value at its path; `remove` takes it away; `insert`
 * puts an item with an `id` into the array at its path, after the item `after` (absent: at the
 * end, null: at the start).
 */
export type StateChange =
  | { op: 'set'; path: PathSegment[]; value: JsonValue }
  | { op: 'remove'; path: PathSegment[] }
  | { op: 'insert'; path: PathSegment[]; value: JsonValue; after?: PathSegment | null };

const segmentSchema = z.union([z.string().max(256), z.number().finite()]);
const pathSchema = z
  .array(segmentSchema)
  .min(1)
  .max(MAX_JSON_DEPTH)
  .refine((path) => typeof path[0] === 'string' && path[0].length > 0, 'a path starts with a top-level key')
  // assigning __proto__ would replace a prototype, and _t marks array deltas (B10)
  .refine((path) => path.every((segment) => segment !== '__proto__' && segment !== DELTA_MARKER_KEY), 'a path may not hold __proto__ or _t');

export function changeSchema(value: z.ZodType<JsonValue>) {
  return z.discriminatedUnion('op', [
    z.object({ op: z.literal('set'), path: pathSchema, value }),
    z.object({ op: z.literal('remove'), path: pathSchema }),
    z.object({ op: z.literal('insert'), path: pathSchema, value, after: segmentSchema.nullable().optional() }),
  ]);
}

/** The change cannot land: its path leads into a missing or mistyped place. */
class MissingPlace extends Error {}

function idOf(value: Maybe): PathSegment | undefined {
  const id = isJsonObject(value as JsonValue) ? (value as JsonObject).id : undefined;
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}

/**
 * `root` with `edit` applied at `segments`, copying only the containers on the path (and telling
 * the CRC cache what changed in each). `edit` gets the value there (undefined: absent) and gives
 * the new one (undefined: remove). Throws MissingPlace when a step is not there.
 */
function updateIn(root: Maybe, segments: readonly PathSegment[], edit: (value: Maybe) => Maybe, depth = 0): Maybe {
  if (depth === segments.length) return edit(root);
  const segment = segments[depth] as PathSegment;
  const last = depth === segments.length - 1;
  if (Array.isArray(root)) {
    const index = indexOfId(root, segment);
    if (index < 0) throw new MissingPlace();
    const child = updateIn(root[index], segments, edit, depth + 1);
    if (child === root[index]) return root;
    if (child !== undefined && idOf(child) !== segment) throw new ProtocolError('invalid-payload', 'an array item set by its id must keep that id');
    const copy = root.slice();
    if (child === undefined) copy.splice(index, 1);
    else {
      copy[index] = child;
      shareIdIndex(root, copy, [index]);
    }
    recordArrayEdit(root, copy, [child === undefined ? { op: 'remove', index } : { op: 'set', index, value: child }]);
    return copy;
  }
  if (!isJsonObject(root as JsonValue) || typeof segment !== 'string') throw new MissingPlace();
  const object = root as JsonObject;
  if (!last && !Object.hasOwn(object, segment)) throw new MissingPlace();
  const old = Object.hasOwn(object, segment) ? object[segment] : undefined;
  const child = updateIn(old, segments, edit, depth + 1);
  if (child === old) return root;
  const copy: JsonObject = { ...object };
  if (child === undefined) delete copy[segment];
  else copy[segment] = child;
  recordObjectEdit(object, copy, [{ key: segment, value: child }]);
  return copy;
}

/**
 * updateIn on a top-level value. An edit inside one item of a wide array keeps the item's place
 * and does not copy the array (shared/patched-array.ts); anything else works on plain JSON.
 */
function updateTop(root: Stored, segments: readonly PathSegment[], edit: (value: Maybe) => Maybe): Stored {
  const wide = root instanceof PatchedArray || (Array.isArray(root) && root.length >= PATCHED_FROM);
  if (!wide || segments.length === 0) return updateIn(plainOf(root), segments, edit);
  const segment = segments[0] as PathSegment;
  const index = root instanceof PatchedArray ? root.indexOfId(segment) : indexOfId(root, segment);
  if (index < 0) throw new MissingPlace();
  const old = root instanceof PatchedArray ? root.at(index) : root[index];
  const child = updateIn(old, segments, edit, 1);
  if (child === old) return root;
  // a removed item moves the ones after it: that is a copy of the plain array
  if (child === undefined) return updateIn(plainOf(root), segments, edit);
  if (idOf(child) !== segment) throw new ProtocolError('invalid-payload', 'an array item set by its id must keep that id');
  const next = PatchedArray.withItem(root, index, child);
  recordArrayEdit(root, next, [{ op: 'set', index, value: child }]);
  return next;
}

/** `array` with `item` after the item `after` (absent or gone: at the end; null: first). */
function inserted(array: Maybe, item: JsonValue, after: PathSegment | null | undefined): JsonValue[] {
  if (!Array.isArray(array)) throw new MissingPlace();
  const found = indexOfId(array, after);
  const index = after === null ? 0 : found < 0 ? array.length : found + 1;
  const copy = array.slice();
  copy.splice(index, 0, item);
  recordArrayEdit(array, copy, [{ op: 'insert', index, value: item }]);
  return copy;
}

/** How a change merges with what others did since the sender's version (see applyChange). */
export interface ChangeMerge {
  /** The value of the change's top-level key at the sender's `baseVersion`. */
  base: Stored;
  /** The three-way merge of the value at the path (shared/merge.ts, with its intents). */
  merge: (path: readonly PathSegment[], base: Maybe, ours: Maybe, theirs: Maybe) => Maybe;
}

/**
 * The top-level value `current` with one change applied. Without `merge` the change is taken as
 * it is (the sender saw this state). With it, a `set` is merged three-way at its path, so others'
 * edits elsewhere and inside the value survive (M1-M9), and a place that existed at the sender's
 * version but was removed since stays removed: the change is dropped (M9, P4). A place that was
 * never there, or is not an object or an array of items with ids, is refused `invalid-payload` (P3).
 */
export function applyChange(current: Stored, change: StateChange, merge?: ChangeMerge): Stored {
  const rest = change.path.slice(1);
  try {
    return applyAt(current, change, rest, merge);
  } catch (error) {
    if (!(error instanceof MissingPlace)) throw error;
    if (merge && existed(merge.base, change, rest)) return current;
    throw new ProtocolError('invalid-payload', `no place for the change at ${JSON.stringify(change.path)}`);
  }
}

function applyAt(current: Stored, change: StateChange, rest: PathSegment[], merge: ChangeMerge | undefined): Stored {
  if (change.op === 'remove') return updateTop(current, rest, () => undefined);
  if (change.op === 'insert') {
    const id = idOf(change.value);
    if (id === undefined) throw new ProtocolError('invalid-payload', 'an inserted item needs an id (a string or a number)');
    const array = plainOf(valueAt(current, rest));
    // an item with that id is there already (the same insert merged twice, say): it is set instead
    if (Array.isArray(array) && indexOfId(array, id) >= 0) return applyAt(current, { op: 'set', path: [...change.path, id], value: change.value }, [...rest, id], merge);
    return updateTop(current, rest, (value) => inserted(value, change.value, change.after));
  }
  if (!merge) return updateTop(current, rest, () => change.value);
  return updateTop(current, rest, (ours) => merge.merge(change.path, plainOf(valueAt(merge.base, rest)), ours, change.value));
}

/** True when the change's place (its parent, for a set or remove) was there at the sender's version. */
function existed(base: Stored, change: StateChange, rest: PathSegment[]): boolean {
  const parent = change.op === 'insert' ? rest : rest.slice(0, -1);
  return parent.length === 0 ? base !== undefined : valueAt(base, parent) !== undefined;
}
