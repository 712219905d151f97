import { z } from 'zod';
import type { JsonValue } from '../../../shared/json';
import { newId, itemReader, typed, type Item, type ItemChange, type ListReader } from './collection';

const noteSchema = z.object({ id: z.string(), text: z.string().catch(''), author: z.string().catch('') });

export type Note = z.infer<typeof noteSchema>;

/** The list for display; the same raw item gives the same object (see `itemReader`). */
export const readNotes: ListReader<Note> = itemReader(noteSchema);

export function newNote(author: string): Item {
  return { id: newId('note'), text: '', author };
}

export function setNoteText(note: Item, text: string): ItemChange {
  return { item: { ...note, text }, intents: [typed('text')] };
}
