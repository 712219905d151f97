import type { PageView, PdfData } from '../../../shared/layers-protocol';

/**
 * The book and page a player's screen shows: their view, or where it names a book removed
 * meanwhile (while offline, say) or none, the first book's first page; null with no book.
 */
export function shownView(view: PageView | null, pdfs: readonly PdfData[]): { view: PageView; pdf: PdfData } | null {
  const pdf = view && pdfs.find((known) => known.id === view.pdfId);
  if (view && pdf) return { view, pdf };
  const first = pdfs[0];
  return first ? { view: { pdfId: first.id, currentPage: 1, scale: 1 }, pdf: first } : null;
}
