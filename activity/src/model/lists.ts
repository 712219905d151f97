import type { JsonObject } from '../../../shared/json';
import { itemsOf, type Item } from './collection';

/**
 * The shared lists the table edits, with the state key each lives under and the debounce kind
 * its edits use (the sync client batches a sheet's keystrokes longer than a counter's clicks).
 */
export const LISTS = {
  characters: { key: 'characters', kind: 'sheet' },
  notes: { key: 'notes', kind: 'notes' },
  counters: { key: 'counters', kind: 'counter' },
} as const;

export type ListName = keyof typeof LISTS;

/** The update that applies `change` to list `name` of `state`: the whole new array, as the server expects. */
export function listUpdate(state: JsonObject, name: ListName, change: (list: Item[]) => Item[]): { updates: JsonObject; kind: string } {
  const { key, kind } = LISTS[name];
  return { updates: { [key]: change(itemsOf(state[key])) }, kind };
}
