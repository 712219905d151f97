import { recordArrayEdit, recordObjectEdit, type ArrayStep, type ObjectStep } from './canonical-crc';
import type { Delta } from './diff';
import { shareIdIndex } from './id-index';
import { isJsonObject, type JsonObject, type JsonValue } from './json';
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
