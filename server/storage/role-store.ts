import type { GmDocument, TableRoles } from '../../shared/roles-protocol';

/**
 * Who runs each table (host, game masters, removed members) and the game masters' private
 * document, between restarts and across nodes: every node reads them from here, never from its
 * own memory alone (a join reads the roles again).
 */
export interface RoleStore {
  /** The stored roles; null when none were stored yet (the creator is host) or the session is unknown. */
  loadRoles(sessionId: string): Promise<TableRoles | null>;
  /** Resolves once committed; roles of a session that no longer exists are dropped. */
  saveRoles(sessionId: string, roles: TableRoles): Promise<void>;
  /** The stored game master document; null when none. */
  loadGmDocument(sessionId: string): Promise<GmDocument | null>;
  /**
   * Resolves once committed; a document of a session that no longer exists is dropped. Only a
   * revision newer than the stored one is taken (two nodes editing at once: one wins); otherwise
   * it fails with `revision-taken` and the writer reads the document again.
   */
  saveGmDocument(sessionId: string, document: GmDocument): Promise<void>;
}
