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
 */
export interface LayerStore {
  /** Every page of the session that has layers; empty for an unknown session. */
  loadPages(sessionId: string): Promise<StoredPage[]>;
  /** Replaces the page's stored layers with this revision. */
  savePage(sessionId: string, page: StoredPage): Promise<void>;
}
