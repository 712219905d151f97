import { z } from 'zod';
import type { JsonValue } from '../../../shared/json';
import { newId, readItems, typed, type Item, type ItemChange } from './collection';

const noteSchema = z.object({ id: z.string(), text: z.string().catch(''), author: z.string().catch('') });

export type Note = z.infer<typeof noteSchema>;

export function readNotes(value: JsonValue | undefined): Note[] {
  return readItems(value, noteSchema);
}

export function newNote(author: string): Item {
  return { id: newId('note'), text: '', author };
}

export function setNoteText(note: Item, text: string): ItemChange {
  return { item: { ...note, text }, intents: [typed('text')] };
}
