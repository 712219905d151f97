import type { LayerStore, StoredPage } from './layer-store';
import type { SessionDependent } from './session-dependent';

/** Page layers kept in this process only: for tests and benchmarks; lost on restart. */
export class MemoryLayerStore implements LayerStore, SessionDependent {
  readonly name = 'page layers (memory)';
  private readonly sessions = new Map<string, Map<string, StoredPage>>();

  async loadPages(sessionId: string): Promise<StoredPage[]> {
    return structuredClone([...(this.sessions.get(sessionId)?.values() ?? [])]);
  }

  async savePage(sessionId: string, page: StoredPage): Promise<void> {
    let pages = this.sessions.get(sessionId);
    if (!pages) {
      pages = new Map();
      this.sessions.set(sessionId, pages);
    }
    pages.set(`${page.pdfId}/${page.pageNum}`, structuredClone(page));
  }

  async removeSessions(sessionIds: readonly string[]): Promise<void> {
    for (const id of sessionIds) this.sessions.delete(id);
  }
}
