import type { GmDocument, TableRoles } from '../../../shared/roles-protocol';
import type { RoleStore } from '../role-store';
import { toGmDocument, toRoles } from '../stored-rows';
import type { PostgresDatabase } from './database';
import { gmRevisionTaken } from '../storage-error';

/** Roles and the game master document, in the `roles` and `gm` columns of the session's row (JSON text). */
export class PostgresRoleStore implements RoleStore {
  constructor(private readonly db: PostgresDatabase) {}

  async loadRoles(sessionId: string): Promise<TableRoles | null> {
    return toRoles(await this.read('roles', sessionId));
  }

  async saveRoles(sessionId: string, roles: TableRoles): Promise<void> {
    await this.db.query('UPDATE sessions SET roles = $2 WHERE id = $1', [sessionId, JSON.stringify(roles)]);
  }

  async loadGmDocument(sessionId: string): Promise<GmDocument | null> {
    return toGmDocument(await this.read('gm', sessionId));
  }

  async saveGmDocument(sessionId: string, document: GmDocument): Promise<void> {
    // compare and set in the statement that writes: of two nodes writing one revision, one wins
    const { rowCount } = await this.db.query(
      `UPDATE sessions SET gm = $2 WHERE id = $1 AND COALESCE((gm::json ->> 'revision')::int, 0) < $3`,
      [sessionId, JSON.stringify(document), document.revision],
    );
    if (rowCount === 0 && (await this.read('gm', sessionId)) !== undefined) throw gmRevisionTaken(sessionId, document.revision);
  }

  private async read(column: 'roles' | 'gm', sessionId: string): Promise<string | null | undefined> {
    const { rows } = await this.db.query(`SELECT ${column} AS value FROM sessions WHERE id = $1`, [sessionId]);
    return (rows[0] as { value: string | null } | undefined)?.value;
  }
}
