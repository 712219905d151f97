import { create, type Delta, type DiffContext, type Filter } from 'jsondiffpatch';
import { isJsonObject, type JsonValue } from './json';

export type { Delta };

/**
 * Array items are matched by their `id` field (the contract's objectHash); items without one are
 * matched by position, as jsondiffpatch's own examples do.
 */
export function objectHash(item: object, index?: number): string {
  const id = isJsonObject(item as JsonValue) ? (item as Record<string, unknown>).id : undefined;
  if (typeof id === 'string' || typeof id === 'number') return `id:${id}`;
  return `$$index:${index ?? 0}`;
}

export interface DiffOptions {
  /**
   * jsondiffpatch's array LCS costs time and memory proportional to the product of the lengths of
   * the parts of two arrays that differ. Past this many cells the array is replaced whole instead:
   * a larger delta, but a bounded cost, so a crafted reorder cannot stall a session.
   */
  maxArrayDiffCells: number;
}

export const DEFAULT_DIFF_OPTIONS: DiffOptions = { maxArrayDiffCells: 250_000 };

export interface Differ {
  diff(left: JsonValue | undefined, right: JsonValue | undefined): Delta;
  /** Applies `delta` to `target`, mutating it where it can; use the returned value. */
  patch(target: JsonValue | undefined, delta: Delta): JsonValue | undefined;
}

/** The one jsondiffpatch configuration that the server and every client use. */
export function createDiffer(options: DiffOptions = DEFAULT_DIFF_OPTIONS): Differ {
  // Moves off: a move is sent as remove + add, which every client can patch without ambiguity.
  const patcher = create({ objectHash, arrays: { detectMove: false } });
  patcher.processor.pipes.diff.before('arrays', costlyArrayFilter(options.maxArrayDiffCells));
  return {
    diff: (left, right) => patcher.diff(left, right),
    patch: (target, delta) => patcher.patch(target, delta) as JsonValue | undefined,
  };
}

function costlyArrayFilter(maxCells: number): Filter<DiffContext> {
  const filter: Filter<DiffContext> = (context) => {
    if (!Array.isArray(context.left) || !Array.isArray(context.right)) return;
    if (differingCells(context.left, context.right) > maxCells) {
      context.setResult([context.left, context.right]).exit();
    }
  };
  filter.filterName = 'costlyArrays';
  return filter;
}

/** Size of the LCS table jsondiffpatch would build once common head and tail are set aside. */
function differingCells(left: unknown[], right: unknown[]): number {
  let head = 0;
  while (head < left.length && head < right.length && sameItem(left[head], right[head], head, head)) head++;
  let tail = 0;
  while (
    tail + head < left.length &&
    tail + head < right.length &&
    sameItem(left[left.length - 1 - tail], right[right.length - 1 - tail], left.length - 1 - tail, right.length - 1 - tail)
  ) {
    tail++;
  }
  return (left.length - head - tail) * (right.length - head - tail);
}

/** True when jsondiffpatch would match the two array items: the same value, or the same `objectHash`. */
export function sameItem(a: unknown, b: unknown, indexA: number, indexB: number): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return objectHash(a, indexA) === objectHash(b, indexB);
}

export const differ = createDiffer();
