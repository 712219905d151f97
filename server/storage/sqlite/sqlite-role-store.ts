import type { GmDocument, TableRoles } from '../../../shared/roles-protocol';
import type { RoleStore } from '../role-store';
import { toGmDocument, toRoles } from '../stored-rows';
import type { SqliteConnection } from './connection';
import { gmRevisionTaken } from '../storage-error';

/** One JSON column of the session's row: read now, written in the connection's group commit. */
class JsonColumn<T> {
  private readonly load;
  private readonly save;

  constructor(
    private readonly connection: SqliteConnection,
    column: 'roles' | 'gm',
    private readonly parse: (stored: string | null | undefined) => T | null,
  ) {
    this.load = connection.db.prepare<[string], Record<string, string | null>>(`SELECT ${column} FROM sessions WHERE id = ?`).pluck();
    this.save = connection.db.prepare(`UPDATE sessions SET ${column} = ? WHERE id = ?`);
  }

  read(sessionId: string): T | null {
    return this.parse(this.load.get(sessionId) as string | null | undefined);
  }

  /** Written when `accept` (run inside the write, on the stored value) allows it. */
  write(sessionId: string, value: T, accept: (stored: T | null) => void = () => undefined): Promise<void> {
    const json = JSON.stringify(value);
    return this.connection.writes.run(() => {
      const stored = this.load.get(sessionId) as string | null | undefined;
      // a session that no longer exists drops what was written for it
      if (stored === undefined) return;
      // thrown inside the write: its group commit fails it alone (group-commit.ts)
      accept(this.parse(stored));
      this.save.run(json, sessionId);
    });
  }
}

/** Roles and the game master document, in the `roles` and `gm` columns of the session's row (JSON). */
export class SqliteRoleStore implements RoleStore {
  private readonly roles: JsonColumn<TableRoles>;
  private readonly documents: JsonColumn<GmDocument>;

  constructor(connection: SqliteConnection) {
    this.roles = new JsonColumn(connection, 'roles', toRoles);
    this.documents = new JsonColumn(connection, 'gm', toGmDocument);
  }

  async loadRoles(sessionId: string): Promise<TableRoles | null> {
    return this.roles.read(sessionId);
  }

  saveRoles(sessionId: string, roles: TableRoles): Promise<void> {
    return this.roles.write(sessionId, roles);
  }

  async loadGmDocument(sessionId: string): Promise<GmDocument | null> {
    return this.documents.read(sessionId);
  }

  saveGmDocument(sessionId: string, document: GmDocument): Promise<void> {
    // compare and set inside the write: of two nodes writing one revision, one wins
    return this.documents.write(sessionId, document, (stored) => {
      if (document.revision <= (stored?.revision ?? 0)) throw gmRevisionTaken(sessionId, document.revision);
    });
  }
}
