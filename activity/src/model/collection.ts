import type { z } from 'zod';
import { isJsonObject, type JsonObject, type JsonValue } from '../../../shared/json';
import type { IntentOp, PathSegment } from '../../../shared/merge-intents';

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
 * Changes one item and leaves every other item exactly as it was, so the server's three-way
 * merge sees an edit of that item only and keeps what others changed meanwhile.
 */
export function replaceItem(list: Item[], id: string, change: (item: Item) => JsonObject): Item[] {
  return list.map((item) => (item.id === id ? { ...change(item), id } : item));
}

export function removeItem(list: Item[], id: string): Item[] {
  return list.filter((item) => item.id !== id);
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
