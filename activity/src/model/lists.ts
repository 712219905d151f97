import { indexOfId } from '../../../shared/id-index';
import { isJsonObject } from '../../../shared/json';
import type { Intent } from '../../../shared/merge-intents';
import { PatchedArray, plainOf, type StoredState } from '../../../shared/patched-array';
import { itemsOf, type Item, type ItemChange } from './collection';

/**
 * The shared lists the table edits, with the state key each lives under and the debounce kind
 * its edits use (the sync client batches a sheet's keystrokes longer than a counter's clicks).
 */
export const LISTS = {
  characters: { key: 'characters', kind: 'sheet' },
  notes: { key: 'notes', kind: 'notes' },
  counters: { key: 'counters', kind: 'counter' },
  bookmarks: { key: 'bookmarks', kind: 'default' },
} as const;

export type ListName = keyof typeof LISTS;

/** What the sync client sends for an edit: the whole new array under its key, and how its changed values merge. */
export interface ListUpdate {
  updates: StoredState;
  kind: string;
  intents: Intent[];
}

/** The update that applies `change` to list `name` of `state` (adding, removing items: no intents). */
export function listUpdate(state: StoredState, name: ListName, change: (list: Item[]) => Item[]): ListUpdate {
  const { key, kind } = LISTS[name];
  return { updates: { [key]: change(itemsOf(plainOf(state[key]))) }, kind, intents: [] };
}

/**
 * The update that applies `change` to item `id` of list `name`, its intents given full paths
 * (key, item id, then the field's path); null when nobody has the item any more. Only that item
 * is touched: it is found by the list's id index and replaced without copying a wide list's
 * spine (a PatchedArray, shared/patched-array.ts), so a keystroke in one note of thousands
 * neither walks nor copies the list here, nor in the sync client's diff of what to send. Other
 * entries stay as they are, readable or not.
 */
export function itemUpdate(state: StoredState, name: ListName, id: string, change: (item: Item) => ItemChange): ListUpdate | null {
  const { key, kind } = LISTS[name];
  const list = state[key];
  if (!Array.isArray(list) && !(list instanceof PatchedArray)) return null;
  const index = list instanceof PatchedArray ? list.indexOfId(id) : indexOfId(list, id);
  const current = list instanceof PatchedArray ? list.at(index) : list[index];
  if (!isJsonObject(current)) return null;
  const { item, intents } = change(current as Item);
  return {
    updates: { [key]: PatchedArray.withItem(list, index, { ...item, id }) },
    kind,
    intents: intents.map(({ path, op }) => ({ path: [key, id, ...path], op })),
  };
}
