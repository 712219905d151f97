import type { GmDocument, TableRoles } from '../../../shared/roles-protocol';
import type { RoleStore } from '../role-store';
import { toGmDocument, toRoles } from '../stored-rows';
import type { SqliteConnection } from './connection';

/** Roles and the game master document, in the `roles` and `gm` columns of the session's row (JSON). */
export class SqliteRoleStore implements RoleStore {
  private readonly sql;

  constructor(private readonly connection: SqliteConnection) {
    const { db } = connection;
    this.sql = {
      loadRoles: db.prepare<[string], { roles: string | null }>('SELECT roles FROM sessions WHERE id = ?'),
      saveRoles: db.prepare('UPDATE sessions SET roles = ? WHERE id = ?'),
      loadGm: db.prepare<[string], { gm: string | null }>('SELECT gm FROM sessions WHERE id = ?'),
      saveGm: db.prepare('UPDATE sessions SET gm = ? WHERE id = ?'),
    };
  }

  async loadRoles(sessionId: string): Promise<TableRoles | null> {
    return toRoles(this.sql.loadRoles.get(sessionId)?.roles);
  }

  saveRoles(sessionId: string, roles: TableRoles): Promise<void> {
    const json = JSON.stringify(roles);
    return this.connection.writes.run(() => {
      this.sql.saveRoles.run(json, sessionId);
    });
  }

  async loadGmDocument(sessionId: string): Promise<GmDocument | null> {
    return toGmDocument(this.sql.loadGm.get(sessionId)?.gm);
  }

  saveGmDocument(sessionId: string, document: GmDocument): Promise<void> {
    const json = JSON.stringify(document);
    return this.connection.writes.run(() => {
      this.sql.saveGm.run(json, sessionId);
    });
  }
}
