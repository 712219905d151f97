import { z } from 'zod';
import type { JsonObject, JsonValue } from '../../../shared/json';
import { newId, readItems, wholeNumber, type Item } from './collection';

const counterSchema = z.object({ id: z.string(), label: z.string().catch(''), value: z.number().catch(0) });

export type Counter = z.infer<typeof counterSchema>;

export function readCounters(value: JsonValue | undefined): Counter[] {
  return readItems(value, counterSchema);
}

export function newCounter(label: string): Item {
  return { id: newId('counter'), label, value: 0 };
}

/** Adds `step` to the counter's value (a value someone wrote badly counts as 0). */
export function adjustCounter(counter: Item, step: number): JsonObject {
  const current = typeof counter.value === 'number' ? counter.value : 0;
  return { ...counter, value: wholeNumber(current + step, current) };
}

export function renameCounter(counter: Item, label: string): JsonObject {
  return { ...counter, label };
}
