import fastDiff from 'fast-diff';

/**
 * Past this many cells (length × length of the parts that differ) a diff is not searched: the
 * differing middle counts as deleted and retyped. Typing differs in a few characters; a whole new
 * text pasted over a long one does not need its characters matched, and must not stall a node.
 */
const MAX_DIFF_CELLS = 4_000_000;

/** What one side did to a text, in the text's own positions. */
export interface TextEdits {
  /** Text inserted before position i of the base (i = base.length: at its end). */
  inserts: Map<number, string>;
  /** Base ranges [start, end) deleted. */
  deletes: Array<[number, number]>;
}

/**
 * Applies the character edits that turned `base` into `theirs` onto `ours`, which others edited
 * from the same base meanwhile (rule M8). Every insertion of both sides is kept whole, at its
 * place; a character either side deleted is gone. Where both inserted at the same place, `theirs`
 * (the edit being merged) comes first, so a player who keeps typing continues their own words.
 */
export function rebaseText(base: string, ours: string, theirs: string): string {
  if (theirs === base) return ours;
  if (ours === base) return theirs;
  const mine = textEdits(base, theirs);
  const others = textEdits(base, ours);
  const deleted = new Uint8Array(base.length);
  for (const [start, end] of [...mine.deletes, ...others.deletes]) deleted.fill(1, start, end);
  const parts: string[] = [];
  let runStart = -1;
  for (let i = 0; i <= base.length; i++) {
    const inserted = (mine.inserts.get(i) ?? '') + (others.inserts.get(i) ?? '');
    const keep = i < base.length && deleted[i] === 0;
    if (runStart >= 0 && (inserted || !keep)) {
      parts.push(base.slice(runStart, i));
      runStart = -1;
    }
    if (inserted) parts.push(inserted);
    if (keep && runStart < 0) runStart = i;
  }
  return parts.join('');
}

/** The insertions and deletions that turn `base` into `changed` (also used to keep a caret in place). */
export function textEdits(base: string, changed: string): TextEdits {
  const edits: TextEdits = { inserts: new Map(), deletes: [] };
  const head = commonPrefix(base, changed);
  const tail = commonSuffix(base, changed, head);
  const removed = base.slice(head, base.length - tail);
  const added = changed.slice(head, changed.length - tail);
  const parts: Array<[number, string]> =
    removed.length * added.length > MAX_DIFF_CELLS ? [[-1, removed], [1, added]] : fastDiff(removed, added, undefined, true);
  let position = head;
  for (const [kind, text] of parts) {
    if (kind === fastDiff.INSERT) edits.inserts.set(position, (edits.inserts.get(position) ?? '') + text);
    else if (kind === fastDiff.DELETE) edits.deletes.push([position, position + text.length]);
    if (kind !== fastDiff.INSERT) position += text.length;
  }
  return edits;
}

function commonPrefix(a: string, b: string): number {
  const limit = Math.min(a.length, b.length);
  let n = 0;
  while (n < limit && a.charCodeAt(n) === b.charCodeAt(n)) n++;
  // never between the two halves of a surrogate pair: an edit must not split a character
  return n > 0 && isHighSurrogate(a.charCodeAt(n - 1)) ? n - 1 : n;
}

function commonSuffix(a: string, b: string, prefix: number): number {
  const limit = Math.min(a.length, b.length) - prefix;
  let n = 0;
  while (n < limit && a.charCodeAt(a.length - 1 - n) === b.charCodeAt(b.length - 1 - n)) n++;
  return n > 0 && isLowSurrogate(a.charCodeAt(a.length - n)) ? n - 1 : n;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
