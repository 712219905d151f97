import type { GmDocument, TableRoles } from '../../../shared/roles-protocol';
import type { RoleStore } from '../role-store';
import { toGmDocument, toRoles } from '../stored-rows';
import type { SqliteConnection } from './connection';

/**
 * Roles and the game master document, in the `roles` and `gm` columns of the session's row (JSON):
 * read now, written by the connection's writer, where a session that no longer exists drops what
 * was written for it.
 */
export class SqliteRoleStore implements RoleStore {
  private readonly sql;

  constructor(private readonly connection: SqliteConnection) {
    const { db } = connection;
    this.sql = {
      roles: db.prepare<[string], string | null>('SELECT roles FROM sessions WHERE id = ?').pluck(),
      gm: db.prepare<[string], string | null>('SELECT gm FROM sessions WHERE id = ?').pluck(),
    };
  }

  async loadRoles(sessionId: string): Promise<TableRoles | null> {
    return toRoles(this.sql.roles.get(sessionId));
  }

  saveRoles(sessionId: string, roles: TableRoles): Promise<void> {
    return this.connection.writes.run({ kind: 'saveRoles', sessionId, json: JSON.stringify(roles) });
  }

  async loadGmDocument(sessionId: string): Promise<GmDocument | null> {
    return toGmDocument(this.sql.gm.get(sessionId));
  }

  /** Compare and set in the writer: of two nodes writing one revision, one wins (`revision-taken`). */
  saveGmDocument(sessionId: string, document: GmDocument): Promise<void> {
    return this.connection.writes.run({ kind: 'saveGmDocument', sessionId, json: JSON.stringify(document), revision: document.revision });
  }
}
