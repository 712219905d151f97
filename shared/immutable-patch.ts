import { recordArrayEdit, recordObjectEdit, type ArrayStep, type ObjectStep } from './canonical-crc';
import type { Delta } from './diff';
import { shareIdIndex } from './id-index';
import { isJsonObject, type JsonObject, type JsonValue } from './json';
import { PATCHED_FROM, PatchedArray, plainOf, type StoredValue } from './patched-array';
import { recordReplaced } from './replaced-items';

type Maybe = JsonValue | undefined;
type Fallback = (value: Maybe, delta: Delta) => Maybe;

/**
 * Applies a jsondiffpatch delta without touching `value`: only the objects and arrays on the
 * delta's paths are copied (shallowly), everything else is shared with the old value. A client
 * thus pays for what changed, not for the size of the key, and a UI keeping the old value (React)
 * still sees it unchanged. Each copy records the edits it made to its source, so its canonical
 * CRC is derived from the source's (shared/canonical-crc.ts). Delta forms this code does not
 * produce (moves, text diffs) go to `fallback`, which gets a deep copy to mutate.
 */
export function patchImmutably(value: Maybe, delta: Delta, fallback: Fallback): Maybe {
  if (delta === undefined) return value;
  if (Array.isArray(delta)) return replacement(value, delta, fallback);
  const node = delta as Record<string, unknown>;
  if (node._t === 'a') {
    return Array.isArray(value) ? patchArray(value, node, fallback) : fallback(structuredClone(value), delta);
  }
  if (!isJsonObject(value as JsonValue)) return fallback(structuredClone(value), delta);
  const copy: JsonObject = { ...(value as JsonObject) };
  const steps: ObjectStep[] = [];
  for (const [key, child] of Object.entries(node)) {
    const patched = patchImmutably(Object.hasOwn(copy, key) ? copy[key] : undefined, child as Delta, fallback);
    if (patched === undefined) delete copy[key];
    else copy[key] = patched;
    steps.push({ key, value: patched });
  }
  recordObjectEdit(value as JsonObject, copy, steps);
  return copy;
}

/**
 * patchImmutably for a top-level value, which may be a PatchedArray: a delta that only changes
 * items of a wide list in place (same ids at the same places) gives a PatchedArray, so a
 * keystroke in one note of thousands copies neither the list's spine nor anything but the note.
 * Every other delta works on the plain array (made once per PatchedArray, and kept).
 */
export function patchStored(value: StoredValue | undefined, delta: Delta, fallback: Fallback): StoredValue | undefined {
  const wide = value instanceof PatchedArray || (Array.isArray(value) && value.length >= PATCHED_FROM);
  const node = delta as Record<string, unknown> | undefined;
  if (wide && node?._t === 'a' && !Array.isArray(delta)) {
    const replaced = replaceItems(value, node, fallback);
    if (replaced) return replaced;
  }
  return patchImmutably(plainOf(value), delta, fallback);
}

/** `list` with the items `delta` changes patched, as a PatchedArray; undefined when the delta does more (or changes an id). */
function replaceItems(list: JsonValue[] | PatchedArray, delta: Record<string, unknown>, fallback: Fallback): StoredValue | undefined {
  const steps: ArrayStep[] = [];
  let next: JsonValue[] | PatchedArray = list;
  for (const [key, change] of Object.entries(delta)) {
    if (key === '_t') continue;
    const index = Number(key);
    // removals (`_i`) and insertions (`[item]`) move the items after them
    if (key.startsWith('_') || !Number.isInteger(index) || index >= list.length || (Array.isArray(change) && change.length === 1)) return undefined;
    const old = itemAt(next, index);
    const patched = patchImmutably(old, change as Delta, fallback);
    // the id index of the list's base holds only while every item keeps its id
    if (patched === undefined || idOf(patched) !== idOf(old)) return undefined;
    next = PatchedArray.withItem(next, index, patched);
    steps.push({ op: 'set', index, value: patched });
  }
  recordArrayEdit(list, next, steps);
  return next;
}

function itemAt(list: JsonValue[] | PatchedArray, index: number): JsonValue | undefined {
  return list instanceof PatchedArray ? list.at(index) : list[index];
}

function idOf(item: Maybe): unknown {
  return isJsonObject(item) ? item.id : undefined;
}

/** `[new]` adds, `[old, new]` replaces, `[old, 0, 0]` deletes; other forms go to the fallback. */
function replacement(value: Maybe, delta: unknown[], fallback: Fallback): Maybe {
  if (delta.length === 1) return delta[0] as JsonValue;
  if (delta.length === 2) return delta[1] as JsonValue;
  if (delta.length === 3 && delta[1] === 0 && delta[2] === 0) return undefined;
  return fallback(structuredClone(value), delta as Delta);
}

/**
 * jsondiffpatch's order for arrays: removals by old index (highest first), then insertions by new
 * index (lowest first), then changes of items at their new index.
 */
function patchArray(array: JsonValue[], delta: Record<string, unknown>, fallback: Fallback): Maybe {
  const removals: number[] = [];
  const insertions: Array<[number, JsonValue]> = [];
  const changes: Array<[number, Delta]> = [];
  for (const [key, child] of Object.entries(delta)) {
    if (key === '_t') continue;
    const op = child as unknown[];
    if (key.startsWith('_')) {
      if (!Array.isArray(op) || op[1] !== 0 || op[2] !== 0) return fallback(structuredClone(array), delta as Delta);
      removals.push(Number(key.slice(1)));
    } else if (Array.isArray(op) && op.length === 1) {
      insertions.push([Number(key), op[0] as JsonValue]);
    } else {
      changes.push([Number(key), child as Delta]);
    }
  }
  const copy = array.slice();
  const steps: ArrayStep[] = [];
  for (const index of removals.sort((a, b) => b - a)) {
    copy.splice(index, 1);
    steps.push({ op: 'remove', index });
  }
  for (const [index, item] of insertions.sort((a, b) => a[0] - b[0])) {
    copy.splice(index, 0, item);
    steps.push({ op: 'insert', index, value: item });
  }
  for (const [index, change] of changes) {
    const patched = patchImmutably(copy[index], change, fallback);
    if (patched !== undefined) {
      copy[index] = patched;
      steps.push({ op: 'set', index, value: patched });
    }
  }
  recordArrayEdit(array, copy, steps);
  if (removals.length === 0 && insertions.length === 0) {
    const replaced = changes.map(([index]) => index);
    shareIdIndex(array, copy, replaced);
    // the list reader then looks at these items only (activity/src/model/collection.ts)
    recordReplaced(array, copy, replaced);
  }
  return copy;
}
