import type { GmDocument, TableRoles } from '../../../shared/roles-protocol';
import type { RoleStore } from '../role-store';
import { toGmDocument, toRoles } from '../stored-rows';
import type { PostgresDatabase } from './database';

/** Roles and the game master document, in the `roles` and `gm` columns of the session's row (JSON text). */
export class PostgresRoleStore implements RoleStore {
  constructor(private readonly db: PostgresDatabase) {}

  async loadRoles(sessionId: string): Promise<TableRoles | null> {
    return toRoles(await this.read('roles', sessionId));
  }

  saveRoles(sessionId: string, roles: TableRoles): Promise<void> {
    return this.write('roles', sessionId, roles);
  }

  async loadGmDocument(sessionId: string): Promise<GmDocument | null> {
    return toGmDocument(await this.read('gm', sessionId));
  }

  saveGmDocument(sessionId: string, document: GmDocument): Promise<void> {
    return this.write('gm', sessionId, document);
  }

  private async read(column: 'roles' | 'gm', sessionId: string): Promise<string | null | undefined> {
    const { rows } = await this.db.query(`SELECT ${column} AS value FROM sessions WHERE id = $1`, [sessionId]);
    return (rows[0] as { value: string | null } | undefined)?.value;
  }

  private async write(column: 'roles' | 'gm', sessionId: string, value: TableRoles | GmDocument): Promise<void> {
    await this.db.query(`UPDATE sessions SET ${column} = $2 WHERE id = $1`, [sessionId, JSON.stringify(value)]);
  }
}
