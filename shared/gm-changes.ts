import { z } from 'zod';
import { ProtocolError } from './errors';
import { gmContentSchema, gmNoteSchema, hiddenMarkSchema, type GmContent } from './roles-protocol';

/**
 * A game master's edit of their document, path by path: one note or one hidden mark put (added,
 * or replaced where its id is) or removed. Typing in a note sends that note, not every note; two
 * game masters editing different notes at once both land, with no revision to conflict on.
 */
export const gmChangeSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('put-note'), note: gmNoteSchema }),
  z.object({ op: z.literal('remove-note'), id: gmNoteSchema.shape.id }),
  z.object({ op: z.literal('put-mark'), mark: hiddenMarkSchema }),
  z.object({ op: z.literal('remove-mark'), id: hiddenMarkSchema.shape.id }),
]);
export type GmChange = z.infer<typeof gmChangeSchema>;

export const changeGmDocumentSchema = z.object({ changes: z.array(gmChangeSchema).min(1).max(64) });
export type ChangeGmDocument = z.infer<typeof changeGmDocumentSchema>;

/** To the game masters' room: the changes that made `revision` from the one before it. */
export interface GmDocumentChanged {
  revision: number;
  changes: GmChange[];
}

function put<T extends { id: string }>(items: readonly T[], item: T): T[] {
  return items.some((each) => each.id === item.id) ? items.map((each) => (each.id === item.id ? item : each)) : [...items, item];
}

const without = <T extends { id: string }>(items: readonly T[], id: string): T[] => items.filter((each) => each.id !== id);

function applyOne(content: GmContent, change: GmChange): GmContent {
  switch (change.op) {
    case 'put-note':
      return { ...content, notes: put(content.notes, change.note) };
    case 'remove-note':
      return { ...content, notes: without(content.notes, change.id) };
    case 'put-mark':
      return { ...content, marks: put(content.marks, change.mark) };
    case 'remove-mark':
      return { ...content, marks: without(content.marks, change.id) };
  }
}

/** The document with `changes` applied in order; `too-large` past the document's limits (nothing applied). */
export function applyGmChanges(content: GmContent, changes: readonly GmChange[]): GmContent {
  const next = changes.reduce(applyOne, { notes: content.notes, marks: content.marks });
  if (!gmContentSchema.safeParse(next).success) throw new ProtocolError('too-large', 'the game master document holds at most 500 notes and 2000 marks');
  return next;
}
