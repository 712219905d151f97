import { z } from 'zod';
import { ProtocolError } from './errors';
import { gmContentSchema, gmNoteSchema, hiddenMarkSchema, REMEMBERED_PUTS, type GmContent, type GmNote } from './roles-protocol';
import { rebaseText } from './text-rebase';

/**
 * A game master's edit of their document, path by path: one note or one hidden mark put (added,
 * or replaced where its id is) or removed. Typing in a note sends that note, not every note; two
 * game masters editing different notes at once both land, with no revision to conflict on.
 * A `put-note` with `base` (the note's text the editor typed from) is merged into the note's text
 * as stored, so two game masters typing in the same note both keep their words (rule R12).
 */
export const gmChangeSchema = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('put-note'),
    /** Its `puts` are the server's: in a change as applied (to other nodes, to the game masters' room) they are the note's. */
    note: gmNoteSchema,
    base: gmNoteSchema.shape.text.optional(),
    /** The put's own id, made by its sender: a put sent again with it is stored once (R15). */
    putId: gmNoteSchema.shape.id.optional(),
  }),
  z.object({ op: z.literal('remove-note'), id: gmNoteSchema.shape.id }),
  z.object({ op: z.literal('put-mark'), mark: hiddenMarkSchema }),
  z.object({ op: z.literal('remove-mark'), id: hiddenMarkSchema.shape.id }),
]);
export type GmChange = z.infer<typeof gmChangeSchema>;

export const changeGmDocumentSchema = z.object({ changes: z.array(gmChangeSchema).min(1).max(64) });
export type ChangeGmDocument = z.infer<typeof changeGmDocumentSchema>;

/** To the game masters' room: the changes that made `revision` from the one before it (merged: no `base`). */
export interface GmDocumentChanged {
  revision: number;
  changes: GmChange[];
}

/** The document after some changes, and those changes as applied (a put with a base carries the merged text, no base). */
export interface MergedGmChanges {
  content: GmContent;
  applied: GmChange[];
}

function put<T extends { id: string }>(items: readonly T[], item: T): T[] {
  return items.some((each) => each.id === item.id) ? items.map((each) => (each.id === item.id ? item : each)) : [...items, item];
}

const without = <T extends { id: string }>(items: readonly T[], id: string): T[] => items.filter((each) => each.id !== id);

/** A put of one note, as sent or as applied. */
export type PutNote = Extract<GmChange, { op: 'put-note' }>;

/**
 * The note a put makes: typed from `base`, its text keeps the edits made since in the stored note
 * (shared/text-rebase.ts, rule M8). A note removed meanwhile comes back with the typed text: its
 * words are not lost. The note remembers the put's id (R15); a put without one (a change as
 * applied, followed) brings the note's remembered ids, or keeps those stored.
 */
function mergedNote(stored: GmNote | undefined, { note, base, putId }: PutNote): GmNote {
  const text = base === undefined || !stored ? note.text : rebaseText(base, stored.text, note.text);
  const remembered = putId === undefined ? (note.puts ?? stored?.puts) : [...(stored?.puts ?? []), putId].slice(-REMEMBERED_PUTS);
  return remembered === undefined ? { id: note.id, text } : { id: note.id, text, puts: remembered };
}

function putNote(content: GmContent, change: PutNote): { content: GmContent; applied: GmChange } {
  const stored = content.notes.find((each) => each.id === change.note.id);
  // sent again after an answer that never came, and stored the first time: stored once (R15)
  if (stored && change.putId !== undefined && stored.puts?.includes(change.putId)) return { content, applied: { op: 'put-note', note: stored } };
  const note = mergedNote(stored, change);
  return { content: { ...content, notes: put(content.notes, note) }, applied: { op: 'put-note', note } };
}

function applyOne(content: GmContent, change: GmChange): { content: GmContent; applied: GmChange } {
  switch (change.op) {
    case 'put-note':
      return putNote(content, change);
    case 'remove-note':
      return { content: { ...content, notes: without(content.notes, change.id) }, applied: change };
    case 'put-mark':
      return { content: { ...content, marks: put(content.marks, change.mark) }, applied: change };
    case 'remove-mark':
      return { content: { ...content, marks: without(content.marks, change.id) }, applied: change };
  }
}

/** `changes` applied in order, merged where they carry a base; `too-large` past the document's limits (nothing applied). */
export function mergeGmChanges(content: GmContent, changes: readonly GmChange[]): MergedGmChanges {
  let next: GmContent = { notes: content.notes, marks: content.marks };
  const applied: GmChange[] = [];
  for (const change of changes) {
    const one = applyOne(next, change);
    next = one.content;
    applied.push(one.applied);
  }
  if (!gmContentSchema.safeParse(next).success) throw new ProtocolError('too-large', 'the game master document holds at most 500 notes of 20,000 characters and 2000 marks');
  return { content: next, applied };
}

/** The document with `changes` applied in order (see `mergeGmChanges`). */
export function applyGmChanges(content: GmContent, changes: readonly GmChange[]): GmContent {
  return mergeGmChanges(content, changes).content;
}
