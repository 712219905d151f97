import { indexOfId, shareIdIndex } from './id-index';
import type { JsonValue, PathSegment } from './json';

/**
 * Below this many items an array edited by id is simply copied: a copy that small costs less
 * than the bookkeeping below.
 */
export const PATCHED_FROM = 1024;

/** Items replaced before the array is copied whole again: each edit copies at most this many entries. */
const MAX_REPLACED = 64;

/** Plain arrays made from a PatchedArray, to the PatchedArray they were made from (its CRC tree is theirs). */
const sources = new WeakMap<readonly JsonValue[], PatchedArray>();

/**
 * A wide array of items with ids, as the server stores it after items were replaced by id: a
 * plain array (`base`, never mutated) and the items replaced since, by index. Replacing an item
 * costs what the replaced items are, not what the array is: copying the spine of 20,000 items on
 * every keystroke is what made a note's edit cost 7× a counter's on a 4.5 MB table (and a spine
 * that wide lands in V8's large-object space, each copy a fresh mapping). Items keep their ids
 * and places, so the base's id index holds for it. It is a server-internal form: StateDocument
 * hands plain arrays out (toArray, made once and kept), and after MAX_REPLACED replacements an
 * edit gives a plain array again. Its items never change once it is made (made plain, it reads
 * them from the plain array).
 */
export class PatchedArray {
  private plain: JsonValue[] | undefined;

  private constructor(
    private base: readonly JsonValue[],
    private replaced: ReadonlyMap<number, JsonValue>,
  ) {}

  get length(): number {
    return this.base.length;
  }

  at(index: number): JsonValue | undefined {
    return this.replaced.has(index) ? this.replaced.get(index) : this.base[index];
  }

  indexOfId(id: PathSegment | null | undefined): number {
    return indexOfId(this.base, id);
  }

  /** True when `other` has the same base: the two differ only at their replaced indices. */
  sharesBase(other: readonly JsonValue[] | PatchedArray): boolean {
    return other instanceof PatchedArray ? other.base === this.base : other === this.base;
  }

  /** The indices whose items may differ from the base. */
  replacedIndices(): IterableIterator<number> {
    return this.replaced.keys();
  }

  /** The plain array, made on first use and kept (O(n) once). */
  toArray(): JsonValue[] {
    if (!this.plain) {
      const plain = this.base.slice();
      for (const [index, item] of this.replaced) plain[index] = item;
      shareIdIndex(this.base, plain, [...this.replaced.keys()]);
      sources.set(plain, this);
      // the same items, read from the plain array: the old base is not kept alive through it
      this.plain = plain;
      this.base = plain;
      this.replaced = new Map();
    }
    return this.plain;
  }

  /**
   * `array` with the item at `index` replaced by `item` (of the same id): a PatchedArray, or a
   * plain array when the array is narrow or enough items were replaced since the last copy.
   */
  static withItem(array: readonly JsonValue[] | PatchedArray, index: number, item: JsonValue): JsonValue[] | PatchedArray {
    if (array instanceof PatchedArray) {
      if (array.replaced.size >= MAX_REPLACED && !array.replaced.has(index)) return withPlainItem(array.toArray(), index, item);
      return new PatchedArray(array.base, new Map(array.replaced).set(index, item));
    }
    if (array.length < PATCHED_FROM) return withPlainItem(array, index, item);
    return new PatchedArray(array, new Map([[index, item]]));
  }
}

function withPlainItem(array: readonly JsonValue[], index: number, item: JsonValue): JsonValue[] {
  const copy = array.slice();
  copy[index] = item;
  shareIdIndex(array, copy, [index]);
  return copy;
}

/** A value as the server may store it: JSON, or a top-level array kept as a PatchedArray. */
export type StoredValue = JsonValue | PatchedArray;

/** The plain JSON of a stored value. */
export function plainOf<T extends StoredValue | undefined>(value: T): Exclude<T, PatchedArray> {
  return (value instanceof PatchedArray ? value.toArray() : value) as Exclude<T, PatchedArray>;
}

/** The PatchedArray a plain array was made from, if it was (its CRC is that one's). */
export function patchedSourceOf(array: readonly JsonValue[]): PatchedArray | undefined {
  return sources.get(array);
}
