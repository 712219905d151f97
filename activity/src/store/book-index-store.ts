import { create } from 'zustand';
import { readContents, readLabels, searchBook, type ContentsEntry } from '../book/pdf-contents';
import type { PDFDocumentProxy } from '../book/pdf-loader';
import type { PageLabels } from '../book/page-labels';
import { rankHits, type SearchHit } from '../book/text-search';

/** A search of the open book: its hits so far, ranked, and how far it has read. */
export interface BookSearch {
  query: string;
  hits: SearchHit[];
  searched: number;
  done: boolean;
}

export interface BookIndexData {
  /** The book this index is of; null before one opens. */
  pdfId: string | null;
  labels: PageLabels;
  /** The PDF's outline; null while it is read. */
  contents: ContentsEntry[] | null;
  results: BookSearch | null;
}

export interface BookIndexActions {
  /** The book on screen is now `document`: its labels and contents are read (once per book). */
  open(pdfId: string, document: PDFDocumentProxy): void;
  /** Searches the open book's text, but not the pages in `skip` (hidden from this player); an empty query clears the results. */
  search(query: string, skip?: ReadonlySet<number>): void;
}

const EMPTY: BookIndexData = { pdfId: null, labels: null, contents: null, results: null };

/** What the navigation panel shows of the open book: printed page labels, contents and search results. */
export const useBookIndex = create<BookIndexData & BookIndexActions>()((set, get) => {
  let document: PDFDocumentProxy | null = null;
  /** Bumped by every search and every new book: an older search stops and reports nothing more. */
  let generation = 0;

  return {
    ...EMPTY,

    open(pdfId, opened) {
      if (get().pdfId === pdfId && document === opened) return;
      document = opened;
      generation++;
      set({ ...EMPTY, pdfId });
      void readLabels(opened).then((labels) => document === opened && set({ labels }));
      void readContents(opened)
        .catch(() => [])
        .then((contents) => document === opened && set({ contents }));
    },

    search(query, skip = new Set()) {
      const mine = ++generation;
      const book = document;
      if (!book || !query.trim()) {
        set({ results: null });
        return;
      }
      set({ results: { query, hits: [], searched: 0, done: false } });
      const update = (change: (search: BookSearch) => Partial<BookSearch>) =>
        set((s) => (s.results && mine === generation ? { results: { ...s.results, ...change(s.results) } } : {}));
      void searchBook(book, query, skip, {
        onHit: (hit) => update((s) => ({ hits: rankHits([...s.hits, hit]) })),
        onPage: (searched) => update(() => ({ searched })),
        cancelled: () => mine !== generation || document !== book,
      })
        .catch(() => undefined)
        .then(() => update(() => ({ done: true })));
    },
  };
});
