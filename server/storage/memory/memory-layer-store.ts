import type { LayerStore, StoredPage } from '../layer-store';
import { packLayers, unpackLayers } from '../layer-codec';
import type { SessionDependent } from '../session-dependent';
import { pdfRemoved, revisionTaken } from '../storage-error';

type PackedPage = Omit<StoredPage, 'layers'> & { layers: Buffer };

/** Page layers kept in this process only: for tests and benchmarks; lost on restart. Packed as SQLite keeps them. */
export class MemoryLayerStore implements LayerStore, SessionDependent {
  readonly name = 'page layers (memory)';
  private readonly sessions = new Map<string, Map<string, PackedPage>>();
  /** Each session's books removed from it and not added again. */
  private readonly removedBooks = new Map<string, Set<string>>();

  async loadPages(sessionId: string): Promise<StoredPage[]> {
    return [...(this.sessions.get(sessionId)?.values() ?? [])].map((page) => ({ ...page, layers: unpackLayers(page.layers) }));
  }

  async savePage(sessionId: string, page: StoredPage): Promise<void> {
    if (this.removedBooks.get(sessionId)?.has(page.pdfId)) throw pdfRemoved(sessionId, page.pdfId);
    let pages = this.sessions.get(sessionId);
    if (!pages) {
      pages = new Map();
      this.sessions.set(sessionId, pages);
    }
    const key = `${page.pdfId}/${page.pageNum}`;
    if ((pages.get(key)?.revision ?? 0) !== page.revision - 1) throw revisionTaken(sessionId, page);
    pages.set(key, { ...page, layers: packLayers(page.layers) });
  }

  /** The book was removed from the session: its pages go, and none is taken until it is added again. */
  async removePdfPages(sessionId: string, pdfId: string): Promise<void> {
    const pages = this.sessions.get(sessionId);
    for (const [key, page] of pages ?? []) if (page.pdfId === pdfId) pages?.delete(key);
    const removed = this.removedBooks.get(sessionId) ?? new Set<string>();
    this.removedBooks.set(sessionId, removed.add(pdfId));
  }

  /** The book was added to the session (again): its pages may take layers. */
  readmitPdf(sessionId: string, pdfId: string): void {
    this.removedBooks.get(sessionId)?.delete(pdfId);
  }

  async removeSessions(sessionIds: readonly string[]): Promise<void> {
    for (const id of sessionIds) {
      this.sessions.delete(id);
      this.removedBooks.delete(id);
    }
  }
}

