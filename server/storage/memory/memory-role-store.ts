import type { GmDocument, TableRoles } from '../../../shared/roles-protocol';
import type { RoleStore } from '../role-store';
import type { SessionDependent } from '../session-dependent';
import { gmRevisionTaken } from '../storage-error';

/** Roles and game master documents kept in this process only: for tests and benchmarks. */
export class MemoryRoleStore implements RoleStore, SessionDependent {
  readonly name = 'table roles (memory)';
  private readonly roles = new Map<string, TableRoles>();
  private readonly documents = new Map<string, GmDocument>();

  async loadRoles(sessionId: string): Promise<TableRoles | null> {
    return structuredClone(this.roles.get(sessionId) ?? null);
  }

  async saveRoles(sessionId: string, roles: TableRoles): Promise<void> {
    this.roles.set(sessionId, structuredClone(roles));
  }

  async loadGmDocument(sessionId: string): Promise<GmDocument | null> {
    return structuredClone(this.documents.get(sessionId) ?? null);
  }

  async saveGmDocument(sessionId: string, document: GmDocument): Promise<void> {
    if (document.revision <= (this.documents.get(sessionId)?.revision ?? 0)) throw gmRevisionTaken(sessionId, document.revision);
    this.documents.set(sessionId, structuredClone(document));
  }

  async removeSessions(sessionIds: readonly string[]): Promise<void> {
    for (const id of sessionIds) {
      this.roles.delete(id);
      this.documents.delete(id);
    }
  }
}
