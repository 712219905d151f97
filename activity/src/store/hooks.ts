import { useCallback } from 'react';
import type { JsonValue } from '../../../shared/json';
import { plainOf, type StoredValue } from '../../../shared/patched-array';
import type { Item, ItemChange } from '../model/collection';
import { LISTS, type ListName } from '../model/lists';
import { useTable } from './table-store';

/**
 * The items of shared list `name`, read for display by `reader`. The component re-renders only
 * when that list's value changes (not for other keys, the connection or the players), and the
 * reader hands unchanged items back as the same objects, so memoized items skip rendering.
 */
export function useList<R>(name: ListName, reader: (value: StoredValue | undefined) => R): R {
  return reader(useTable((s) => s.game[LISTS[name].key]));
}

/**
 * The value of state key `key` as plain JSON, for keys that are not read as lists of items (the
 * dice log, the turn order, the hidden pages): a wide list is made plain once, and the same
 * plain array is given until it changes.
 */
export function useGameValue(key: string): JsonValue | undefined {
  return useTable((s) => plainOf(s.game[key]));
}

/** Rewrites one item of a shared list from its current raw value, saying how the fields it changed merge. */
export type ItemEdit = (change: (item: Item) => ItemChange) => void;

/**
 * An editor of one item of list `name` (see `ItemEdit`). It reads the store's action when called
 * instead of subscribing: a list of thousands of items would otherwise run thousands of selectors
 * on every change of the state.
 */
export function useItemEditor(name: ListName, id: string): ItemEdit {
  return useCallback((change) => useTable.getState().editItem(name, id, change), [name, id]);
}

/** Edits shared list `name` as a whole (adding, removing items), read from the store when called, like `useItemEditor`. */
export function editList(name: ListName, change: (list: Item[]) => Item[]): void {
  useTable.getState().editList(name, change);
}
