import { textEdits, type TextEdits } from '../../../shared/text-rebase';

/** A text field's selection, as `selectionStart` / `selectionEnd`; equal ends are a caret. */
export interface TextSelection {
  start: number;
  end: number;
}

/**
 * Where a selection in `before` lies in `after`, the same text with someone else's edits in it.
 * Text inserted before a position moves it; text inserted exactly at a caret goes after it, as
 * the merge puts the local player's own insertion first there, so they keep typing their word.
 * A selection keeps covering the same characters: text inserted at either edge stays outside.
 */
export function mapSelection(before: string, after: string, selection: TextSelection): TextSelection {
  if (before === after) return selection;
  const edits = textEdits(before, after);
  if (selection.start === selection.end) {
    const caret = mapPosition(edits, selection.start, false);
    return { start: caret, end: caret };
  }
  return { start: mapPosition(edits, selection.start, true), end: mapPosition(edits, selection.end, false) };
}

/** `position` of the old text in the new one; `movedByInsertAt` says where an insertion exactly there goes. */
function mapPosition({ inserts, deletes }: TextEdits, position: number, movedByInsertAt: boolean): number {
  let mapped = position;
  for (const [at, text] of inserts) {
    if (at < position || (movedByInsertAt && at === position)) mapped += text.length;
  }
  for (const [start, end] of deletes) mapped -= Math.max(0, Math.min(end, position) - start);
  return mapped;
}
