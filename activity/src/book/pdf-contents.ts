import type { PDFDocumentProxy } from './pdf-loader';
import type { PageLabels } from './page-labels';
import { findOnPage, searchPattern, type SearchHit } from './text-search';

/** One line of the book's contents (the PDF's outline), flattened with its depth. */
export interface ContentsEntry {
  title: string;
  /** Null when the outline names no page of this book (a link elsewhere). */
  page: number | null;
  depth: number;
}

type OutlineNode = Awaited<ReturnType<PDFDocumentProxy['getOutline']>>[number];

/** A generous cap: an outline past it is cut, not read whole, so a broken PDF cannot hang the page. */
const MAX_ENTRIES = 5000;

/** The PDF's outline as a list, each entry with the page it leads to; empty when the PDF has none. */
export async function readContents(pdf: PDFDocumentProxy): Promise<ContentsEntry[]> {
  const entries: ContentsEntry[] = [];
  const walk = async (nodes: readonly OutlineNode[], depth: number) => {
    for (const node of nodes) {
      if (entries.length >= MAX_ENTRIES) return;
      entries.push({ title: node.title, page: await pageOfDestination(pdf, node.dest), depth });
      await walk(node.items ?? [], depth + 1);
    }
  };
  await walk((await pdf.getOutline()) ?? [], 0);
  return entries;
}

async function pageOfDestination(pdf: PDFDocumentProxy, dest: OutlineNode['dest']): Promise<number | null> {
  try {
    const explicit = typeof dest === 'string' ? await pdf.getDestination(dest) : dest;
    const target = explicit?.[0];
    if (typeof target === 'number') return target + 1;
    if (target && typeof target === 'object' && 'num' in target) return (await pdf.getPageIndex(target as { num: number; gen: number })) + 1;
  } catch {
    // a destination that names nothing of this book: shown, not a link
  }
  return null;
}

/** The PDF's printed page labels, or null when it has none (or they cannot be read). */
export async function readLabels(pdf: PDFDocumentProxy): Promise<PageLabels> {
  return pdf.getPageLabels().catch(() => null);
}

export interface SearchProgress {
  onHit(hit: SearchHit): void;
  onPage(searched: number): void;
  /** Stops between two pages: a new search replaces the old. */
  cancelled(): boolean;
}

/**
 * Reads the pages' text one after another, reporting each hit as it is found. This fetches the
 * pages it reads (the whole book, for a search to the end): only on the player's asking. The
 * pages in `skip` (hidden from this player) are neither read nor reported.
 */
export async function searchBook(pdf: PDFDocumentProxy, query: string, skip: ReadonlySet<number>, progress: SearchProgress): Promise<void> {
  const pattern = searchPattern(query);
  if (!pattern) return;
  for (let page = 1; page <= pdf.numPages && !progress.cancelled(); page++) {
    if (skip.has(page)) {
      progress.onPage(page);
      continue;
    }
    const content = await (await pdf.getPage(page)).getTextContent();
    const hit = findOnPage(page, linesOf(content.items), pattern);
    if (hit && !progress.cancelled()) progress.onHit(hit);
    progress.onPage(page);
  }
}

/** pdf.js's text items joined into lines: a line ends where an item says so. */
function linesOf(items: ReadonlyArray<object>): string[] {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    if (!('str' in item)) continue; // a marked-content marker, no text
    line += String(item.str);
    if ('hasEOL' in item && item.hasEOL) {
      lines.push(line);
      line = '';
    }
  }
  if (line) lines.push(line);
  return lines;
}
