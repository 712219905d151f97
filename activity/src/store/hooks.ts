import { useCallback, useMemo } from 'react';
import type { JsonValue } from '../../../shared/json';
import type { Item, ItemChange } from '../model/collection';
import { LISTS, type ListName } from '../model/lists';
import { useTable } from './table-store';

/** The items of shared list `name`, read for display by `reader`; re-read only when the list changes. */
export function useList<T>(name: ListName, reader: (value: JsonValue | undefined) => T[]): T[] {
  const raw = useTable((s) => s.game[LISTS[name].key]);
  return useMemo(() => reader(raw), [raw, reader]);
}

/** Rewrites one item of a shared list from its current raw value, saying how the fields it changed merge. */
export type ItemEdit = (change: (item: Item) => ItemChange) => void;

/** An editor of one item of list `name` (see `ItemEdit`). */
export function useItemEditor(name: ListName, id: string): ItemEdit {
  const editItem = useTable((s) => s.editItem);
  return useCallback((change) => editItem(name, id, change), [editItem, name, id]);
}
