/** Finding words in a page's text: pure, for the book's search (pdf-contents.ts reads the pages). */

export interface SearchHit {
  page: number;
  /** The text around the first match on the page, for the result list. */
  snippet: string;
  /** A line of the page is the query, alone or after one word: a gamebook's section heading ("212", "Section 212", "§212"). */
  heading: boolean;
}

export interface SearchPattern {
  find: RegExp;
  whole: RegExp;
}

const SNIPPET_AROUND = 40;

/** `query` as patterns: case-insensitive, spaces loose; a number matches as a whole (212, not 2120 or 1212). */
export function searchPattern(query: string): SearchPattern | null {
  const words = query.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return null;
  const body = words.map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s*');
  const find = /^\d+$/.test(words.join('')) ? `(?<!\\d)${body}(?!\\d)` : body;
  return { find: new RegExp(find, 'i'), whole: new RegExp(`^(?:[^\\d\\s]+\\s*)?${body}[.:]?$`, 'i') };
}

/** The hit on `page`, whose lines of text are `lines`, or null when the pattern is not there. */
export function findOnPage(page: number, lines: readonly string[], pattern: SearchPattern): SearchHit | null {
  const text = lines.join(' ').replace(/\s+/g, ' ');
  const match = pattern.find.exec(text);
  if (!match) return null;
  const start = Math.max(0, match.index - SNIPPET_AROUND);
  const end = Math.min(text.length, match.index + match[0].length + SNIPPET_AROUND);
  const snippet = `${start > 0 ? '…' : ''}${text.slice(start, end).trim()}${end < text.length ? '…' : ''}`;
  return { page, snippet, heading: lines.some((line) => pattern.whole.test(line.trim())) };
}

/** Results in the order shown: headings first (where "turn to 212" leads), then by page. */
export function rankHits(hits: readonly SearchHit[]): SearchHit[] {
  return [...hits].sort((a, b) => Number(b.heading) - Number(a.heading) || a.page - b.page);
}
