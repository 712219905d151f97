import { shareIdIndex } from './id-index';
import type { JsonValue } from './json';

/**
 * Arrays made from another by replacing some of its items in place (same length, same places),
 * and which places: a copy remembers its source and the indices it replaced. Whoever then needs
 * what changed between two such arrays (the sync client's diff of what to send, the list reader
 * that keeps unchanged items' view objects for React) asks `replacedBetween` and looks at those
 * few places instead of comparing every item of a list of thousands. Arrays are never mutated,
 * so a record stays true; it holds its source only as long as the copy lives.
 */
const replacements = new WeakMap<readonly JsonValue[], { from: readonly JsonValue[]; indices: readonly number[] }>();

/** How many copies back `replacedBetween` follows, and how many places it gives at most: past that a full compare is as cheap. */
const MAX_HOPS = 16;
const MAX_PLACES = 64;

/** Says that `to` is `from` with the items at `indices` replaced (nothing inserted, nothing removed). */
export function recordReplaced(from: readonly JsonValue[], to: readonly JsonValue[], indices: readonly number[]): void {
  if (from !== to && from.length === to.length) replacements.set(to, { from, indices });
}

/**
 * `array` with the items of `items` (index to item) put in their places: a copy that shares its
 * id index with `array` when the ids stay, and remembers what it replaced.
 */
export function withItemsAt(array: readonly JsonValue[], items: ReadonlyMap<number, JsonValue>): JsonValue[] {
  const copy = array.slice();
  for (const [index, item] of items) copy[index] = item;
  const indices = [...items.keys()];
  shareIdIndex(array, copy, indices);
  recordReplaced(array, copy, indices);
  return copy;
}

/**
 * The indices at which `after` may differ from `before` when `after` was made from `before` by
 * recorded replacements (a chain of at most MAX_HOPS copies, MAX_PLACES places in all); undefined
 * when that is not known, and the arrays must be compared whole.
 */
export function replacedBetween(before: readonly JsonValue[], after: readonly JsonValue[]): number[] | undefined {
  const places = new Set<number>();
  let at = after;
  for (let hop = 0; hop <= MAX_HOPS && at !== before; hop++) {
    const record = replacements.get(at);
    if (!record) return undefined;
    for (const index of record.indices) places.add(index);
    if (places.size > MAX_PLACES) return undefined;
    at = record.from;
  }
  return at === before ? [...places].sort((a, b) => a - b) : undefined;
}
