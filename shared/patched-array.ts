import { indexOfId, shareIdIndex } from './id-index';
import type { JsonObject, JsonValue, PathSegment } from './json';
import { recordReplaced } from './replaced-items';

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
 * and places, so the base's id index holds for it. The server's StateDocument keeps it, and so
 * does the client's confirmed state and the activity's edit of one item (docs/activity.md, W0): it is
 * read by `length` and `at(i)`, and `toArray` makes the plain array once when something needs
 * one. After MAX_REPLACED replacements an edit gives a plain array again. Its items never change
 * once it is made (made plain, it reads them from the plain array). JSON.stringify writes it as
 * the plain array (`toJSON`); structuredClone refuses it (it would copy its fields, not its items).
 */
export class PatchedArray {
  private plain: JsonValue[] | undefined;
  /** structuredClone throws on a function: a clone would silently be an object without the items. */
  private readonly refuseClone = refuseClone;

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

  /** True when every item is an object with a string or number id and no id repeats (known per base: replaced items keep their ids). */
  hasUniqueIds(): boolean {
    return hasUniqueIds(this.base);
  }

  /** JSON.stringify, export and the wire see the plain array. */
  toJSON(): JsonValue[] {
    return this.toArray();
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

const uniqueIds = new WeakMap<readonly JsonValue[], boolean>();

/** See PatchedArray.hasUniqueIds; cached per array (arrays are never mutated). */
export function hasUniqueIds(items: readonly JsonValue[]): boolean {
  let unique = uniqueIds.get(items);
  if (unique === undefined) {
    const seen = new Set<unknown>();
    unique = items.every((item) => {
      const id = typeof item === 'object' && item !== null && !Array.isArray(item) ? item.id : undefined;
      if ((typeof id !== 'string' && typeof id !== 'number') || seen.has(id)) return false;
      seen.add(id);
      return true;
    });
    uniqueIds.set(items, unique);
  }
  return unique;
}

function refuseClone(): never {
  throw new Error('a PatchedArray is not cloned: clone plainOf(value)');
}

function withPlainItem(array: readonly JsonValue[], index: number, item: JsonValue): JsonValue[] {
  const copy = array.slice();
  copy[index] = item;
  shareIdIndex(array, copy, [index]);
  // the sync client's diff and the list reader then look at this place only
  recordReplaced(array, copy, [index]);
  return copy;
}

/**
 * A value as the server and the client may store it: JSON, or a top-level array kept as a
 * PatchedArray. Code that reads a state value must handle both (`Array.isArray` is false for a
 * PatchedArray: `isListValue`, `plainOf`).
 */
export type StoredValue = JsonValue | PatchedArray;

/** A state whose top-level values may be PatchedArrays: the client's confirmed and shown state. */
export type StoredState = Readonly<Record<string, StoredValue>>;

/** True for an array, plain or patched. */
export function isListValue(value: StoredValue | undefined): value is JsonValue[] | PatchedArray {
  return Array.isArray(value) || value instanceof PatchedArray;
}

/** The state as plain JSON: each patched key made plain (once per PatchedArray, kept). */
export function plainState(state: StoredState): JsonObject {
  const plain: JsonObject = {};
  for (const [key, value] of Object.entries(state)) plain[key] = plainOf(value);
  return plain;
}

/** The plain JSON of a stored value. */
export function plainOf<T extends StoredValue | undefined>(value: T): Exclude<T, PatchedArray> {
  return (value instanceof PatchedArray ? value.toArray() : value) as Exclude<T, PatchedArray>;
}

/** The PatchedArray a plain array was made from, if it was (its CRC is that one's). */
export function patchedSourceOf(array: readonly JsonValue[]): PatchedArray | undefined {
  return sources.get(array);
}
