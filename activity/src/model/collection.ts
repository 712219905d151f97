import type { z } from 'zod';
import { isJsonObject, type JsonObject, type JsonValue } from '../../../shared/json';
import type { PathSegment } from '../../../shared/json';
import { PatchedArray, plainOf, type StoredValue } from '../../../shared/patched-array';
import { replacedBetween } from '../../../shared/replaced-items';
import type { IntentOp } from '../../../shared/merge-intents';
import { ShownList, type IndexedList } from './shown-list';

/** An item of a shared list: any JSON object with a string `id`, which is what the server merges by. */
export type Item = JsonObject & { id: string };

/** The items of a raw state value, skipping what is not an object with a string id (or repeats one). */
export function itemsOf(value: JsonValue | undefined): Item[] {
  if (!Array.isArray(value)) return [];
  const seen = new Set<string>();
  return value.filter((item): item is Item => {
    if (!isJsonObject(item) || typeof item.id !== 'string' || seen.has(item.id)) return false;
    seen.add(item.id);
    return true;
  });
}

/** The items that `schema` can read, for display; edits work on the raw items (see `replaceItem`). */
export function readItems<T>(value: JsonValue | undefined, schema: z.ZodType<T>): T[] {
  return itemsOf(value).flatMap((item) => {
    const parsed = schema.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
}

/**
 * A shared list read for display (see `itemReader`): read it by `length` and `at(i)`. A state
 * value may be a PatchedArray (a wide list whose items were replaced): never `Array.isArray` it.
 */
export type ListReader<T> = (value: StoredValue | undefined) => IndexedList<T>;

/** A reader that orders its items: the list is always read whole, into an array. */
export type ArrangedReader<T> = (value: StoredValue | undefined) => readonly T[];

const NO_ITEMS: readonly never[] = Object.freeze([]);

/** A raw list, plain or patched. */
type RawList = JsonValue[] | PatchedArray;

/** A list as last read: its raw list, what was shown, and where each raw item is in it (-1: skipped). */
interface LastRead<T, L extends IndexedList<T>> {
  raw: RawList;
  read: L;
  shownAt: Int32Array;
}

/** Above this many changed items a list is read again whole; below it, only those items are. */
const FEW_CHANGES = 64;

/**
 * `readItems` that keeps identity, for lists shown as memoized components: the same raw item
 * gives the same view object, and the same raw list the same array. State values are never
 * changed in place (a patch copies only the path it touches), so an item that kept its raw object
 * kept its content and its component can skip rendering. A list whose items were only edited
 * in place (same length, same ids where it changed) is read from the last one: the cost is a
 * pass of identity checks plus the changed items, not a parse of thousands of items.
 * Neither the raw list nor what is read is copied whole for that: a PatchedArray is read through
 * `at`, and what is read is a ShownList with those items replaced.
 */
export function itemReader<T>(schema: z.ZodType<T>): ListReader<T> {
  const read = listReading(schema);
  let last: LastRead<T, IndexedList<T>> | null = null;
  return (value) => {
    if (!Array.isArray(value) && !(value instanceof PatchedArray)) return NO_ITEMS;
    if (last?.raw !== value) last = (last && editedInPlace(last, value, read.view)) || read.whole(plainOf(value));
    return last.read;
  };
}

/** `itemReader` whose items `arrange` orders: such a list is always read whole (but an unchanged raw item keeps its view object). */
export function arrangedReader<T>(schema: z.ZodType<T>, arrange: (items: T[]) => T[]): ArrangedReader<T> {
  const read = listReading(schema);
  let last: { raw: RawList; read: readonly T[] } | null = null;
  return (value) => {
    if (!Array.isArray(value) && !(value instanceof PatchedArray)) return NO_ITEMS;
    if (last?.raw !== value) last = { raw: value, read: arrange([...read.whole(plainOf(value)).read]) };
    return last.read;
  };
}

/** The view of each raw item, kept by identity, and a whole read of a raw list. */
function listReading<T>(schema: z.ZodType<T>) {
  /** null: an item the schema cannot read. */
  const views = new WeakMap<Item, T | null>();
  const view = (item: Item): T | null => {
    let known = views.get(item);
    if (known === undefined) {
      const parsed = schema.safeParse(item);
      known = parsed.success ? parsed.data : null;
      views.set(item, known);
    }
    return known;
  };
  const whole = (raw: JsonValue[]): LastRead<T, T[]> => {
    const shown: T[] = [];
    const shownAt = new Int32Array(raw.length).fill(-1);
    // where each item first stands: itemsOf keeps the first of a repeated id (or object)
    const position = new Map<JsonValue, number>();
    raw.forEach((item, index) => position.has(item) || position.set(item, index));
    for (const item of itemsOf(raw)) {
      const seen = view(item);
      if (seen === null) continue;
      shownAt[position.get(item) as number] = shown.length;
      shown.push(seen);
    }
    return { raw, read: shown, shownAt };
  };
  return { view, whole };
}

/**
 * The places where `after` may differ from `before`: those a PatchedArray of the same base
 * replaced, or those a plain copy recorded (shared/replaced-items.ts); undefined when unknown.
 */
function placesBetween(before: RawList, after: RawList): Iterable<number> | undefined {
  const patched = after instanceof PatchedArray ? after : before instanceof PatchedArray ? before : undefined;
  if (!patched) return replacedBetween(before as JsonValue[], after as JsonValue[]);
  const other = patched === after ? before : after;
  if (!patched.sharesBase(other)) return undefined;
  const places = new Set(patched.replacedIndices());
  if (other instanceof PatchedArray) for (const index of other.replacedIndices()) places.add(index);
  return places;
}

function* everyIndex(length: number): Generator<number> {
  for (let index = 0; index < length; index++) yield index;
}

/** `raw` read from `last` when it differs from it only by a few items edited in place (same id, still readable); else null. */
function editedInPlace<T>(last: LastRead<T, IndexedList<T>>, raw: RawList, view: (item: Item) => T | null): LastRead<T, IndexedList<T>> | null {
  if (raw.length !== last.raw.length) return null;
  const changed: number[] = [];
  // a patch that replaced items says which: the others are not compared one by one
  for (const index of placesBetween(last.raw, raw) ?? everyIndex(raw.length)) {
    if (raw.at(index) === last.raw.at(index)) continue;
    if (changed.push(index) > FEW_CHANGES) return null;
  }
  const shown = new Map<number, T>();
  for (const index of changed) {
    const before = last.raw.at(index) as JsonValue;
    const after = raw.at(index) as JsonValue;
    const at = last.shownAt[index] as number;
    if (at < 0 || !isJsonObject(after) || !isJsonObject(before) || after.id !== before.id) return null;
    const seen = view(after as Item);
    if (seen === null) return null;
    shown.set(at, seen);
  }
  return { raw, read: ShownList.with(last.read, shown), shownAt: last.shownAt };
}

/**
 * Changes one item and leaves every other item exactly as it was, so the server's three-way
 * merge sees an edit of that item only and keeps what others changed meanwhile.
 */
export function replaceItem(list: Item[], id: string, change: (item: Item) => JsonObject): Item[] {
  return list.map((item) => (item.id === id ? { ...change(item), id } : item));
}

export function removeItem(list: Item[], id: string): Item[] {
  return list.filter((item) => item.id !== id);
}

/** An item removed from `index`, as `takeItem` found it: what an undo puts back. */
export interface RemovedItem {
  item: Item;
  index: number;
}

/** Removes item `id`, telling `removed` what went and where; the list as it was when there is none. */
export function takeItem(list: Item[], id: string, removed: (taken: RemovedItem) => void): Item[] {
  const index = list.findIndex((item) => item.id === id);
  if (index < 0) return list;
  removed({ item: list[index] as Item, index });
  return removeItem(list, id);
}

/** Puts a removed item back where it was (or at the end of a shorter list); nothing when it is back already. */
export function restoreItem(list: Item[], { item, index }: RemovedItem): Item[] {
  if (list.some((kept) => kept.id === item.id)) return list;
  return [...list.slice(0, index), item, ...list.slice(index)];
}

export function appendItem(list: Item[], item: Item): Item[] {
  return [...list, item];
}

/** A short random id; getRandomValues works on plain http too, where randomUUID does not. */
export function newId(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return `${prefix}-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

/** How a changed field of an item merges with others' edits: its path below the item (keys, item ids). */
export interface FieldIntent {
  path: PathSegment[];
  op: IntentOp;
}

/**
 * An item's new value and the intents of the fields it changed. A field without one is set
 * atomically (the later edit wins): a typed number, a list of stats or possessions.
 */
export interface ItemChange {
  item: JsonObject;
  intents: FieldIntent[];
}

/** A number moved with − / +: concurrent steps of others all count too. */
export const stepped = (...path: PathSegment[]): FieldIntent => ({ path, op: 'add' });

/** Text typed into: others' concurrent typing in the same text is kept around it. */
export const typed = (...path: PathSegment[]): FieldIntent => ({ path, op: 'text' });

export const atomic = (item: JsonObject): ItemChange => ({ item, intents: [] });

/** `value` moved by `step` (a value someone wrote badly counts as 0), whole and clamped. */
export function stepValue(value: JsonValue | undefined, step: number, min?: number): number {
  const current = typeof value === 'number' ? value : 0;
  return wholeNumber(current + step, current, min);
}

/** A whole number from a text field or a stepper, clamped; NaN falls back to `fallback`. */
export function wholeNumber(value: number, fallback: number, min = -99_999, max = 99_999): number {
  if (!Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.trunc(value)));
}
