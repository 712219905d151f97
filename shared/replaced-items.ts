import type { JsonValue } from './json';

/**
 * Plain arrays made from another by replacing some of its items in place (same length, same
 * places), and which places: a copy remembers its recent sources and the indices replaced since
 * each. (A wide list is not copied for that: it becomes a PatchedArray, which knows its replaced
 * places itself; short lists and a PatchedArray's periodic whole copy are recorded here.)
 * Whoever then needs what changed between two such arrays (the sync client's diff of what to
 * send, the list reader that keeps unchanged items' view objects for React) asks
 * `replacedBetween` and looks at those few places instead of comparing every item of a list of
 * thousands. Arrays are never mutated, so a record stays true. Sources are held weakly: a copy
 * must not keep every older version of a long list alive, and a source nobody holds any more is
 * one nobody can ask about.
 */
interface Source {
  from: WeakRef<readonly JsonValue[]>;
  /** The places replaced since `from`, sorted. */
  indices: readonly number[];
}

const sources = new WeakMap<readonly JsonValue[], readonly Source[]>();

/** How many sources back a copy remembers, and how many places since one at most: past that a full compare is as cheap. */
const MAX_SOURCES = 16;
const MAX_PLACES = 64;

/** Says that `to` is `from` with the items at `indices` replaced (nothing inserted, nothing removed). */
export function recordReplaced(from: readonly JsonValue[], to: readonly JsonValue[], indices: readonly number[]): void {
  if (from === to || from.length !== to.length) return;
  const own: Source = { from: new WeakRef(from), indices: [...new Set(indices)].sort((a, b) => a - b) };
  if (own.indices.length > MAX_PLACES) return;
  const older: Source[] = [];
  for (const source of sources.get(from) ?? []) {
    if (older.length + 1 >= MAX_SOURCES) break;
    const places = [...new Set([...source.indices, ...own.indices])].sort((a, b) => a - b);
    if (places.length > MAX_PLACES) break;
    older.push({ from: source.from, indices: places });
  }
  sources.set(to, [own, ...older]);
}

/**
 * The indices at which `after` may differ from `before` when `after` was made from `before` by
 * recorded replacements (at most MAX_SOURCES copies back, MAX_PLACES places in all); undefined
 * when that is not known, and the arrays must be compared whole.
 */
export function replacedBetween(before: readonly JsonValue[], after: readonly JsonValue[]): readonly number[] | undefined {
  if (before === after) return [];
  return sources.get(after)?.find((source) => source.from.deref() === before)?.indices;
}
