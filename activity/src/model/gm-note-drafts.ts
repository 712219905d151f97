import { rebaseText } from '../../../shared/text-rebase';
import type { GmNote } from '../../../shared/roles-protocol';

/**
 * Typing in a game master note that the server has not merged yet: `text` is what the editor
 * shows, `base` the note's text as stored that this typing started from. Sent as a `put-note`
 * with that base, the server keeps what other game masters typed meanwhile (rule R12).
 */
export interface NoteDraft {
  base: string;
  text: string;
}

export type NoteDrafts = Readonly<Record<string, NoteDraft>>;

const textsById = (notes: readonly GmNote[]) => new Map(notes.map((note) => [note.id, note.text]));

/** The draft, or none once it holds nothing the stored text lacks. */
function kept(draft: NoteDraft): NoteDraft | undefined {
  return draft.text === draft.base ? undefined : draft;
}

function withDraft(drafts: NoteDrafts, id: string, draft: NoteDraft | undefined): NoteDrafts {
  const next = { ...drafts };
  if (draft) next[id] = draft;
  else delete next[id];
  return next;
}

/** The draft after the user typed `text` in a note stored as `stored`. */
export function typedDraft(drafts: NoteDrafts, id: string, stored: string, text: string): NoteDrafts {
  return withDraft(drafts, id, kept({ base: drafts[id]?.base ?? stored, text }));
}

/**
 * Drafts after the stored notes changed (another game master's edit, or the document whole):
 * the other side's edits come into each draft's text, and its base becomes the stored text.
 * A draft being sent (`busy`) waits for its answer (`settledDraft`); a removed note's draft goes.
 */
export function rebasedDrafts(drafts: NoteDrafts, notes: readonly GmNote[], busy: ReadonlySet<string>): NoteDrafts {
  const stored = textsById(notes);
  let next = drafts;
  for (const [id, draft] of Object.entries(drafts)) {
    const text = stored.get(id);
    if (text === undefined) next = withDraft(next, id, undefined);
    else if (!busy.has(id) && text !== draft.base) next = withDraft(next, id, kept({ base: text, text: rebaseText(draft.base, text, draft.text) }));
  }
  return next;
}

/**
 * The draft once the server answered a put of `sent`: stored (`accepted`), the stored text holds
 * it, and only what was typed since stays a draft; refused, the whole typing stays one.
 */
export function settledDraft(drafts: NoteDrafts, notes: readonly GmNote[], id: string, sent: string, accepted: boolean): NoteDrafts {
  const draft = drafts[id];
  const stored = textsById(notes).get(id);
  if (!draft || stored === undefined) return withDraft(drafts, id, undefined);
  const from = accepted ? sent : draft.base;
  return withDraft(drafts, id, kept({ base: stored, text: rebaseText(from, stored, draft.text) }));
}
