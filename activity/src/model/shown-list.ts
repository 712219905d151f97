import { PATCHED_FROM } from '../../../shared/patched-array';

/**
 * A list as components read it: by `length` and `at(i)`. A plain array is one; so is a
 * ShownList, which a list reader makes when a few items of a long list changed.
 */
export interface IndexedList<T> extends Iterable<T> {
  readonly length: number;
  at(index: number): T | undefined;
}

/** Items replaced before a ShownList is made a plain array again: each change copies at most this many entries. */
const MAX_REPLACED = 64;

/**
 * A list of view objects with a few items replaced, without a copy of the whole list: the reader
 * of a list of thousands of notes hands React a new list on every keystroke, and copying its
 * spine each time cost what the list is (shared/patched-array.ts does the same for the raw
 * values). Never changed once made.
 */
export class ShownList<T> implements IndexedList<T> {
  private constructor(
    private readonly base: readonly T[],
    private readonly replaced: ReadonlyMap<number, T>,
  ) {}

  get length(): number {
    return this.base.length;
  }

  at(index: number): T | undefined {
    return this.replaced.has(index) ? this.replaced.get(index) : this.base[index];
  }

  *[Symbol.iterator](): Iterator<T> {
    for (let index = 0; index < this.base.length; index++) yield this.at(index) as T;
  }

  /** `list` with the items of `items` (index to item) in their places. */
  static with<T>(list: IndexedList<T>, items: ReadonlyMap<number, T>): IndexedList<T> {
    if (items.size === 0) return list;
    if (list instanceof ShownList) {
      const replaced = new Map(list.replaced);
      for (const [index, item] of items) replaced.set(index, item);
      if (replaced.size <= MAX_REPLACED) return new ShownList(list.base, replaced);
    }
    // a short list is copied: that costs less than the bookkeeping, and stays an array
    if (Array.isArray(list) && list.length >= PATCHED_FROM) return new ShownList(list as readonly T[], new Map(items));
    const copy = [...list];
    for (const [index, item] of items) copy[index] = item;
    return copy;
  }
}

/** The items as an array: the list itself when it is one, else a copy (O(n): for short lists, or once). */
export function arrayOf<T>(list: IndexedList<T>): readonly T[] {
  return Array.isArray(list) ? (list as readonly T[]) : [...list];
}
