import type { GameStateDelta } from '../../shared/protocol';
import type { SessionMeta, SessionStore, Snapshot, StoredSession } from './session-store';

interface MemoryRecord {
  meta: SessionMeta;
  snapshot: Snapshot;
  log: GameStateDelta[];
  lastUsedAt: number;
}

/** Sessions kept in this process only (STORAGE=memory, tests, benchmarks): lost on restart. */
export class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, MemoryRecord>();

  async createSession(meta: SessionMeta): Promise<void> {
    this.sessions.set(meta.id, { meta, snapshot: { version: 0, state: {} }, log: [], lastUsedAt: Date.now() });
  }

  async loadSession(id: string, historyEntries: number): Promise<StoredSession | null> {
    const record = this.sessions.get(id);
    if (!record) return null;
    record.lastUsedAt = Date.now();
    const after = record.log.filter((entry) => entry.version > record.snapshot.version);
    const before = record.log.filter((entry) => entry.version <= record.snapshot.version).slice(-historyEntries);
    return { meta: record.meta, snapshot: structuredClone(record.snapshot), log: structuredClone([...before, ...after]) };
  }

  async appendUpdate(id: string, entry: GameStateDelta): Promise<void> {
    const record = this.require(id);
    record.log.push(entry);
    record.lastUsedAt = Date.now();
  }

  async saveSnapshot(id: string, snapshot: Snapshot, keepBefore: number): Promise<void> {
    const record = this.require(id);
    record.snapshot = snapshot;
    record.log = record.log.filter((entry) => entry.version > snapshot.version - keepBefore);
  }

  async removeUnusedSince(cutoff: number, keep: ReadonlySet<string>): Promise<string[]> {
    const removed = [...this.sessions.values()]
      .filter((record) => record.lastUsedAt < cutoff && !keep.has(record.meta.id))
      .map((record) => record.meta.id);
    for (const id of removed) this.sessions.delete(id);
    return removed;
  }

  async close(): Promise<void> {
    this.sessions.clear();
  }

  private require(id: string): MemoryRecord {
    const record = this.sessions.get(id);
    if (!record) throw new Error(`memory store: no session ${id}`);
    return record;
  }
}
