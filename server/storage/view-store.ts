import type { PageView } from '../../shared/layers-protocol';

/** The last page view of each session, between restarts. */
export interface ViewStore {
  /** The session's last stored view; null when none (or for an unknown session). */
  loadView(sessionId: string): Promise<PageView | null>;
  /** Resolves once committed; a view for a session that no longer exists is dropped. */
  saveView(sessionId: string, view: PageView): Promise<void>;
}
