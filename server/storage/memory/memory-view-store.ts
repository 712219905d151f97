import type { PageView } from '../../../shared/layers-protocol';
import type { SessionDependent } from '../session-dependent';
import type { ViewStore } from '../view-store';

/** Page views kept in this process only: for tests and benchmarks; lost on restart. */
export class MemoryViewStore implements ViewStore, SessionDependent {
  readonly name = 'page views (memory)';
  private readonly views = new Map<string, PageView>();

  async loadView(sessionId: string): Promise<PageView | null> {
    return structuredClone(this.views.get(sessionId) ?? null);
  }

  async saveView(sessionId: string, view: PageView): Promise<void> {
    this.views.set(sessionId, structuredClone(view));
  }

  async removeSessions(sessionIds: readonly string[]): Promise<void> {
    for (const id of sessionIds) this.views.delete(id);
  }
}
