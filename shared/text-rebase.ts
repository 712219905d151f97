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
  const out = new MergedText();
  let runStart = -1;
  for (let i = 0; i <= base.length; i++) {
    const inserted = bothInserted(base, i, mine.inserts.get(i) ?? '', others.inserts.get(i) ?? '');
    const keep = i < base.length && deleted[i] === 0;
    if (runStart >= 0 && (inserted || !keep)) {
      out.add(base.slice(runStart, i), false);
      runStart = -1;
    }
    if (inserted) out.add(inserted, true);
    if (keep && runStart < 0) runStart = i;
    if (i < base.length && !keep && /\s/.test(base.charAt(i))) out.spaceDeleted();
  }
  return out.text();
}

/**
 * The merged text as it is written out. Where a deleted space stood between a word typed on one
 * side and a word beside it, one space is put back: a word erased with its space on one side
 * while a word was typed beside it on the other must not leave two words glued into one.
 */
class MergedText {
  private readonly parts: string[] = [];
  private lastChar = '';
  private lastTyped = false;
  private spaceGone = false;

  add(text: string, typed: boolean): void {
    const glues = this.spaceGone && WORD_CHAR.test(this.lastChar) && WORD_CHAR.test(text.charAt(0));
    if (glues && (typed || this.lastTyped)) this.parts.push(' ');
    this.parts.push(text);
    this.lastChar = text.charAt(text.length - 1);
    this.lastTyped = typed;
    this.spaceGone = false;
  }

  spaceDeleted(): void {
    this.spaceGone = true;
  }

  text(): string {
    return this.parts.join('');
  }
}

const WORD_CHAR = /[\p{L}\p{N}_]/u;

/**
 * What both sides typed at one place, the edit being merged first. Words typed there (text with a
 * space in it, or typed between words) are kept apart by a space, so that two words do not become
 * one; letters added to a word on both sides join.
 */
function bothInserted(base: string, at: number, first: string, second: string): string {
  if (first === '' || second === '') return first + second;
  const wouldJoin = WORD_CHAR.test(first.charAt(first.length - 1)) && WORD_CHAR.test(second.charAt(0));
  const betweenWords = !WORD_CHAR.test(base.charAt(at - 1)) && !WORD_CHAR.test(base.charAt(at));
  return wouldJoin && (betweenWords || /\s/.test(first + second)) ? `${first} ${second}` : first + second;
}

/** The insertions and deletions that turn `base` into `changed` (also used to keep a caret in place). */
export function textEdits(base: string, changed: string): TextEdits {
  const edits: TextEdits = { inserts: new Map(), deletes: [] };
  let position = 0;
  for (const [kind, text] of characterDiff(base, changed)) {
    if (kind === fastDiff.INSERT) edits.inserts.set(position, (edits.inserts.get(position) ?? '') + text);
    else if (kind === fastDiff.DELETE) edits.deletes.push([position, position + text.length]);
    if (kind !== fastDiff.INSERT) position += text.length;
  }
  return edits;
}

/**
 * The edits from `base` to `changed` as a person made them: words are matched whole, so a word
 * typed is one insertion and never shares letters with the words around it; a word changed in
 * place keeps the letters it kept ("gold" to "golden" adds "en"), a word retyped is replaced.
 */
function characterDiff(base: string, changed: string): fastDiff.Diff[] {
  const words = wordDiff(base, changed) ?? [[fastDiff.DELETE, base], [fastDiff.INSERT, changed]];
  const diffs: fastDiff.Diff[] = [];
  let [removed, added] = ['', ''];
  const flush = () => {
    if (removed !== '' || added !== '') diffs.push(...splice(removed, added));
    [removed, added] = ['', ''];
  };
  for (const [kind, text] of words) {
    if (kind === fastDiff.DELETE) removed += text;
    else if (kind === fastDiff.INSERT) added += text;
    else {
      flush();
      diffs.push([kind, text]);
    }
  }
  flush();
  return diffs.filter(([, text]) => text !== '');
}

/**
 * One run of text replaced by another as one edit. Whole tokens both runs start or end with are
 * kept (a space deleted with a word, words typed around others); what is left is inserted,
 * deleted, or, for one word changed into another, edited letter by letter (`editWord`).
 */
function splice(before: string, after: string): fastDiff.Diff[] {
  const [left, right] = [tokensOf(before), tokensOf(after)];
  let head = 0;
  while (head < left.length && head < right.length && left[head] === right[head]) head++;
  let tail = 0;
  while (tail < left.length - head && tail < right.length - head && left[left.length - 1 - tail] === right[right.length - 1 - tail]) tail++;
  const removed = left.slice(head, left.length - tail);
  const added = right.slice(head, right.length - tail);
  const middle: fastDiff.Diff[] =
    removed.length === 1 && added.length === 1 && WORD.test(removed[0] as string) && WORD.test(added[0] as string)
      ? editWord(removed[0] as string, added[0] as string)
      : [[fastDiff.DELETE, removed.join('')], [fastDiff.INSERT, added.join('')]];
  return [[fastDiff.EQUAL, left.slice(0, head).join('')], ...middle, [fastDiff.EQUAL, left.slice(left.length - tail).join('')]];
}

/**
 * One word changed into another. Letters only added (inside it or around it) or only taken away
 * keep the rest of the word ("gold" to "golden" adds "en"); a word whose letters were replaced
 * is retyped whole, so that no stray letter of it outlives a concurrent deletion.
 */
function editWord(before: string, after: string): fastDiff.Diff[] {
  // the whole old word still there: it is kept, and what was typed around it is new text
  const kept = after.indexOf(before);
  if (kept >= 0) return [[fastDiff.INSERT, after.slice(0, kept)], [fastDiff.EQUAL, before], [fastDiff.INSERT, after.slice(kept + before.length)]];
  const cut = before.indexOf(after);
  if (cut >= 0) return [[fastDiff.DELETE, before.slice(0, cut)], [fastDiff.EQUAL, after], [fastDiff.DELETE, before.slice(cut + after.length)]];
  const head = commonPrefix(before, after);
  const tail = commonSuffix(before, after, head);
  const removed = before.slice(head, before.length - tail);
  const added = after.slice(head, after.length - tail);
  if (removed !== '' && added !== '') return [[fastDiff.DELETE, before], [fastDiff.INSERT, after]];
  return [[fastDiff.EQUAL, before.slice(0, head)], [fastDiff.DELETE, removed], [fastDiff.INSERT, added], [fastDiff.EQUAL, before.slice(before.length - tail)]];
}

function tokensOf(text: string): string[] {
  return Array.from(text.matchAll(TOKEN), ([token]) => token);
}

/** Letters, digits and _ make a word; every other character is a separator. */
const TOKEN = /[\p{L}\p{N}_]+|[\s\S]/gu;
const WORD = /^[\p{L}\p{N}_]/u;
/** Codes that stand for tokens: all of the Basic Multilingual Plane but the surrogates. */
const TOKEN_CODES = 0xffff - 0x800;

/**
 * The diff of the two texts' tokens, each token standing as one character; null past the codes
 * there are. Equal words share a code, so they are matched; every separator has a code of its
 * own, so that a space or a comma never ties a word typed to the words around it.
 */
function wordDiff(base: string, changed: string): fastDiff.Diff[] | null {
  const codes = new Map<string, string>();
  const tokens: string[] = [];
  const codeOf = (token: string): string | null => {
    if (tokens.length >= TOKEN_CODES) return null;
    const n = tokens.length + 1;
    tokens.push(token);
    return String.fromCharCode(n < 0xd800 ? n : n + 0x800);
  };
  const encode = (text: string): string | null => {
    let encoded = '';
    for (const [token] of text.matchAll(TOKEN)) {
      const word = WORD.test(token);
      const code = (word ? codes.get(token) : undefined) ?? codeOf(token);
      if (code === null) return null;
      if (word) codes.set(token, code);
      encoded += code;
    }
    return encoded;
  };
  const [left, right] = [encode(base), encode(changed)];
  if (left === null || right === null) return null;
  const decode = (encoded: string) => Array.from(encoded, (code) => tokens[decodeIndex(code.charCodeAt(0))]).join('');
  return boundedDiff(left, right).map(([kind, text]) => [kind, decode(text)]);
}

function decodeIndex(code: number): number {
  return (code < 0xd800 ? code : code - 0x800) - 1;
}

/** fast-diff of the tokens, unless the differing middle is too large to search: then it is deleted and retyped. */
function boundedDiff(base: string, changed: string): fastDiff.Diff[] {
  const head = commonPrefix(base, changed);
  const tail = commonSuffix(base, changed, head);
  const removed = base.length - head - tail;
  const added = changed.length - head - tail;
  // no semantic cleanup: it would merge a word kept between two typed ones into a retyping
  if (removed * added <= MAX_DIFF_CELLS) return fastDiff(base, changed);
  return [
    [fastDiff.EQUAL, base.slice(0, head)],
    [fastDiff.DELETE, base.slice(head, head + removed)],
    [fastDiff.INSERT, changed.slice(head, head + added)],
    [fastDiff.EQUAL, base.slice(head + removed)],
  ];
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
