import type { GameStateDelta } from '../../shared/protocol';
import type { SessionMeta, SessionStore, Snapshot, StoredSession } from './session-store';

interface MemoryRecord {
  meta: SessionMeta;
  snapshot: Snapshot;
  log: GameStateDelta[];
}

/** Sessions kept in this process only: for tests and benchmarks; lost on restart. */
export class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, MemoryRecord>();

  async createSession(meta: SessionMeta): Promise<void> {
    this.sessions.set(meta.id, { meta, snapshot: { version: 0, state: {} }, log: [] });
  }

  async loadSession(id: string, historyEntries: number): Promise<StoredSession | null> {
    const record = this.sessions.get(id);
    if (!record) return null;
    const after = record.log.filter((entry) => entry.version > record.snapshot.version);
    const before = record.log.filter((entry) => entry.version <= record.snapshot.version).slice(-historyEntries);
    return { meta: record.meta, snapshot: structuredClone(record.snapshot), log: structuredClone([...before, ...after]) };
  }

  async appendUpdate(id: string, entry: GameStateDelta): Promise<void> {
    this.require(id).log.push(entry);
  }

  async saveSnapshot(id: string, snapshot: Snapshot): Promise<void> {
    const record = this.require(id);
    record.snapshot = snapshot;
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
