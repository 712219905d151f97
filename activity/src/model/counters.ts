import { z } from 'zod';
import type { JsonValue } from '../../../shared/json';
import { atomic, newId, itemReader, stepped, stepValue, typed, type Item, type ItemChange, type ListReader } from './collection';

const counterSchema = z.object({ id: z.string(), label: z.string().catch(''), value: z.number().catch(0) });

export type Counter = z.infer<typeof counterSchema>;

/** The list for display; the same raw item gives the same object (see `itemReader`). */
export const readCounters: ListReader<Counter> = itemReader(counterSchema);

export function newCounter(label: string): Item {
  return { id: newId('counter'), label, value: 0 };
}

/** Adds `step` to the counter's value; others' concurrent steps add up with it. */
export function stepCounter(counter: Item, step: number): ItemChange {
  return { item: { ...counter, value: stepValue(counter.value, step) }, intents: [stepped('value')] };
}

/** A value typed into the counter: it replaces the value, whatever others stepped meanwhile. */
export function setCounter(counter: Item, value: number): ItemChange {
  return atomic({ ...counter, value });
}

export function renameCounter(counter: Item, label: string): ItemChange {
  return { item: { ...counter, label }, intents: [typed('label')] };
}
