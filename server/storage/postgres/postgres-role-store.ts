import type { GmDocument, TableRoles } from '../../../shared/roles-protocol';
import type { RoleStore } from '../role-store';
import { toGmDocument, toRoles } from '../stored-rows';
import type { PostgresDatabase } from './database';

/** Roles and the game master document, in the `roles` and `gm` columns of the session's row (JSON text). */
export class PostgresRoleStore implements RoleStore {
  constructor(private readonly db: PostgresDatabase) {}

  async loadRoles(sessionId: string): Promise<TableRoles | null> {
    const { rows } = await this.db.query('SELECT roles FROM sessions WHERE id = $1', [sessionId]);
    return toRoles((rows[0] as { roles: string | null } | undefined)?.roles);
  }

  async saveRoles(sessionId: string, roles: TableRoles): Promise<void> {
    await this.db.query('UPDATE sessions SET roles = $2 WHERE id = $1', [sessionId, JSON.stringify(roles)]);
  }

  async loadGmDocument(sessionId: string): Promise<GmDocument | null> {
    const { rows } = await this.db.query('SELECT gm FROM sessions WHERE id = $1', [sessionId]);
    return toGmDocument((rows[0] as { gm: string | null } | undefined)?.gm);
  }

  async saveGmDocument(sessionId: string, document: GmDocument): Promise<void> {
    await this.db.query('UPDATE sessions SET gm = $2 WHERE id = $1', [sessionId, JSON.stringify(document)]);
  }
}
