import type { Layers } from '../../shared/layers-protocol';

/** The layers of one PDF page of a session at one revision. */
export interface StoredPage {
  pdfId: string;
  pageNum: number;
  revision: number;
  layers: Layers;
}

/**
 * Where page layers live between restarts: the newest revision of each page. A write resolves
 * only once it is committed: the session broadcasts layers-updated after savePage resolves.
 * Writes compare and append: revision r of a page is stored only onto revision r - 1 (onto no
 * page for revision 1), so of two nodes writing one page at once, one wins and the other is told
 * `revision-taken`, reads the page and merges its edit again. A page of a book removed from its
 * session (and not added again) is refused `pdf-removed` and never loaded: another node may have
 * removed the book a moment before, its message not yet here.
 */
export interface LayerStore {
  /** Every page of the session that has layers; empty for an unknown session. */
  loadPages(sessionId: string): Promise<StoredPage[]>;
  /** Stores this revision in place of the one before it; `revision-taken` when that is not the one stored, `pdf-removed` when its book is. */
  savePage(sessionId: string, page: StoredPage): Promise<void>;
}
