import { sameItem, type Delta, type Differ } from './diff';
import { isJsonObject, type JsonObject, type JsonValue } from './json';
import type { PathSegment } from './json';
import { indexOfId } from './id-index';
import { PatchedArray, plainOf, type StoredValue } from './patched-array';

type Maybe = JsonValue | undefined;
type Stored = StoredValue | undefined;

/**
 * A jsondiffpatch delta from `left` to `right` that skips whatever the two share by identity.
 * Values are immutable and an edit copies only its path (shared/immutable-patch.ts,
 * shared/path-changes.ts), so after a path-level update the old and new state differ only along
 * that path: this diff then costs a pointer comparison per untouched sibling and jsondiffpatch's
 * work only where something changed, instead of a walk of the whole key. Arrays keep their common
 * head and tail by position (matched by `objectHash`, as jsondiffpatch does); only what lies
 * between goes to jsondiffpatch, its indices moved past the head.
 */
export function diffShared(left: Stored, right: Stored, differ: Differ): Delta {
  if (left === right) return undefined;
  if (left instanceof PatchedArray || right instanceof PatchedArray) return diffPatched(left, right, differ);
  if (Array.isArray(left) && Array.isArray(right)) return diffArrays(left, right, differ);
  if (isJsonObject(left as JsonValue) && isJsonObject(right as JsonValue)) return diffObjects(left as JsonObject, right as JsonObject, differ);
  return differ.diff(left, right);
}

function diffObjects(left: JsonObject, right: JsonObject, differ: Differ): Delta {
  const delta: Record<string, unknown> = {};
  for (const key of Object.keys(left)) {
    const child = diffShared(left[key], Object.hasOwn(right, key) ? right[key] : undefined, differ);
    if (child !== undefined) delta[key] = child;
  }
  for (const key of Object.keys(right)) {
    if (!Object.hasOwn(left, key)) delta[key] = [right[key]];
  }
  return Object.keys(delta).length === 0 ? undefined : (delta as Delta);
}

function diffArrays(left: JsonValue[], right: JsonValue[], differ: Differ): Delta {
  const shorter = Math.min(left.length, right.length);
  let head = 0;
  while (head < shorter && sameItem(left[head] as JsonValue, right[head] as JsonValue, head, head)) head++;
  let tail = 0;
  while (
    tail < shorter - head &&
    sameItem(left[left.length - 1 - tail] as JsonValue, right[right.length - 1 - tail] as JsonValue, left.length - 1 - tail, right.length - 1 - tail)
  ) {
    tail++;
  }
  const delta: Record<string, unknown> = { _t: 'a' };
  const middle = differ.diff(left.slice(head, left.length - tail), right.slice(head, right.length - tail));
  if (Array.isArray(middle)) return [left, right]; // the middle was too costly to diff: replaced whole
  for (const [key, child] of Object.entries((middle ?? {}) as Record<string, unknown>)) {
    if (key === '_t') continue;
    const removal = key.startsWith('_');
    const index = Number(removal ? key.slice(1) : key) + head;
    delta[removal ? `_${index}` : String(index)] = child;
  }
  // items kept in place at the ends: changed ones are patched at their new index
  const kept = (from: number, to: number, shift: number) => {
    for (let index = from; index < to; index++) {
      const child = diffShared(left[index - shift], right[index], differ);
      if (child !== undefined) delta[String(index)] = child;
    }
  };
  kept(0, head, 0);
  kept(right.length - tail, right.length, right.length - left.length);
  return Object.keys(delta).length === 1 ? undefined : (delta as Delta);
}

/**
 * Two versions of a wide array, one or both a PatchedArray: when they share their base they
 * differ at most at the items either replaced, so only those are compared.
 */
function diffPatched(left: Stored, right: Stored, differ: Differ): Delta {
  const [patched, other] = left instanceof PatchedArray ? [left, right] : [right as PatchedArray, left];
  if (!Array.isArray(other) && !(other instanceof PatchedArray)) return differ.diff(plainOf(left), plainOf(right));
  if (!patched.sharesBase(other)) return diffShared(plainOf(left), plainOf(right), differ);
  const indices = new Set(patched.replacedIndices());
  if (other instanceof PatchedArray) for (const index of other.replacedIndices()) indices.add(index);
  const delta: Record<string, unknown> = { _t: 'a' };
  for (const index of [...indices].sort((a, b) => a - b)) {
    const child = diffShared(itemAt(left, index), itemAt(right, index), differ);
    if (child !== undefined) delta[String(index)] = child;
  }
  return Object.keys(delta).length === 1 ? undefined : (delta as Delta);
}

function itemAt(array: Stored, index: number): Maybe {
  return array instanceof PatchedArray ? array.at(index) : (array as JsonValue[])[index];
}

function indexIn(array: JsonValue[] | PatchedArray, id: PathSegment): number {
  return array instanceof PatchedArray ? array.indexOfId(id) : indexOfId(array, id);
}

/**
 * The delta of `left` -> `right` when they differ only at `path` (one set there, as a single
 * path-level change makes): found by walking the path, without looking at the siblings on it. Where
 * the walk cannot follow (an item moved, a type changed) it falls back to diffShared.
 */
export function diffAlongPath(left: Stored, right: Stored, path: readonly PathSegment[], differ: Differ): Delta {
  if (left === right) return undefined;
  const [segment, ...rest] = path;
  if (segment === undefined) return diffShared(left, right, differ);
  if (isArrayValue(left) && isArrayValue(right) && left.length === right.length) {
    const index = indexIn(right, segment);
    if (index < 0 || indexIn(left, segment) !== index) return diffShared(left, right, differ);
    const child = diffAlongPath(itemAt(left, index), itemAt(right, index), rest, differ);
    return child === undefined ? undefined : ({ _t: 'a', [index]: child } as Delta);
  }
  if (isPlainObject(left) && isPlainObject(right) && typeof segment === 'string') {
    const [from, to] = [left, right];
    if (!Object.hasOwn(from, segment) || !Object.hasOwn(to, segment)) return diffShared(left, right, differ);
    const child = diffAlongPath(from[segment], to[segment], rest, differ);
    return child === undefined ? undefined : ({ [segment]: child } as Delta);
  }
  return diffShared(left, right, differ);
}

function isPlainObject(value: Stored): value is JsonObject {
  return isJsonObject(value) && !(value instanceof PatchedArray);
}

function isArrayValue(value: Stored): value is JsonValue[] | PatchedArray {
  return Array.isArray(value) || value instanceof PatchedArray;
}
