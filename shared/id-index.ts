import type { JsonValue } from './json';
import type { PathSegment } from './merge-intents';

/**
 * Where each id stands in an array of items, cached by the array's identity. A path-level change
 * names items by id, and scanning a long list for one on every keystroke costs what the list is;
 * an array copied with items replaced in place (same ids at the same places) shares its source's
 * index (shareIdIndex), so the next lookup is O(1) again. Arrays are never mutated, so an index
 * stays true for its array.
 */
const indexes = new WeakMap<readonly JsonValue[], Map<PathSegment, number>>();

function idIn(item: JsonValue | undefined): unknown {
  return typeof item === 'object' && item !== null && !Array.isArray(item) ? item.id : undefined;
}

/** Index of the first item whose `id` is `id`, or -1. */
export function indexOfId(items: readonly JsonValue[], id: PathSegment | null | undefined): number {
  if (id === null || id === undefined) return -1;
  let index = indexes.get(items);
  if (!index) {
    index = new Map();
    for (let at = 0; at < items.length; at++) {
      const itemId = idIn(items[at]);
      if ((typeof itemId === 'string' || typeof itemId === 'number') && !index.has(itemId)) index.set(itemId, at);
    }
    indexes.set(items, index);
  }
  return index.get(id) ?? -1;
}

/** `to` is `from` with the items at `replaced` swapped for items with the same ids: it shares the index. */
export function shareIdIndex(from: readonly JsonValue[], to: readonly JsonValue[], replaced: readonly number[]): void {
  const index = indexes.get(from);
  if (!index || from.length !== to.length) return;
  if (replaced.every((at) => idIn(from[at]) === idIn(to[at]))) indexes.set(to, index);
}
