import type { PageView } from '../../shared/layers-protocol';
import type { GmChange } from '../../shared/gm-changes';
import type { GameStateDelta } from '../../shared/protocol';
import type { StoredPage } from '../storage/layer-store';
import type { PdfRecord } from '../storage/pdf-store';
import type { AppliedUpdate } from '../storage/session-store';

/**
 * What one node tells the other nodes holding a table. Committed changes only (a delta, a page
 * revision, a PDF record, roles, the game master document), so no node shows what a lost race would roll back; plus the
 * ephemeral events that are never stored (live updates, page views, presence).
 */
export type TableChange =
  | { kind: 'delta'; entry: GameStateDelta; applied?: AppliedUpdate }
  | { kind: 'applied'; applied: AppliedUpdate }
  | { kind: 'layers'; page: StoredPage }
  | { kind: 'pdf'; record: PdfRecord }
  | { kind: 'pdf-removed'; pdfId: string }
  | { kind: 'view'; view: PageView }
  | { kind: 'live'; payload: Uint8Array }
  | { kind: 'presence' }
  | { kind: 'member'; userId: string }
  /** Roles were stored: a node reads them again (role changes made on two nodes may arrive in either order). */
  | { kind: 'roles' }
  /** A game master document revision was stored: the changes that made it, as applied; for the game masters' room only. */
  | { kind: 'gm-changes'; revision: number; changes: GmChange[] }
  /** The sender was cut from Redis and is back: what it stored meanwhile reached no node, which reads the table again. */
  | { kind: 'reread' };

/** How a session speaks to its members: all the session knows of the transport and of the other nodes. */
export interface SessionChannel {
  /** To this node's members of the session. */
  broadcast(sessionId: string, event: string, payload: unknown): void;
  /** To the other nodes holding the session (nothing on a single node): they apply it and tell their members. */
  share(sessionId: string, change: TableChange): void;
}
