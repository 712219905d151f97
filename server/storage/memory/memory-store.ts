import type { GameStateDelta } from '../../../shared/protocol';
import type { AppliedUpdate, LoggedUpdate, SessionMeta, SessionStore, Snapshot, SnapshotChoice, StoredSession } from '../session-store';
import { StorageError, versionTaken } from '../storage-error';

interface MemoryRecord {
  meta: SessionMeta;
  /** Ascending by version. */
  snapshots: Snapshot[];
  log: GameStateDelta[];
  /** The versions in `log`: an append checks its version here, not by a walk of the log. */
  logged: Set<number>;
  applied: Map<string, AppliedUpdate & { appliedAt: number }>;
  lastUsedAt: number;
}

/** Sessions kept in this process only (STORAGE=memory, tests, benchmarks): lost on restart. */
export class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, MemoryRecord>();
  private closed = false;

  async createSession(meta: SessionMeta): Promise<void> {
    this.sessions.set(meta.id, { meta, snapshots: [], log: [], logged: new Set(), applied: new Map(), lastUsedAt: Date.now() });
  }

  async loadSession(id: string, from: SnapshotChoice = 'oldest'): Promise<StoredSession | null> {
    const record = this.sessions.get(id);
    if (!record) return null;
    record.lastUsedAt = Date.now();
    const first = record.log[0]?.fromVersion;
    const base =
      first === undefined || from === 'newest'
        ? record.snapshots.at(-1)
        : first === 0
          ? undefined
          : record.snapshots.find((snapshot) => snapshot.version >= first);
    const snapshot = base ?? { version: 0, state: {} };
    return {
      meta: record.meta,
      snapshot: structuredClone(snapshot),
      log: structuredClone(record.log.filter((entry) => entry.version > snapshot.version)),
      applied: [...record.applied.values()].map(({ userId, clientKey, seq, version }) => ({ userId, clientKey, seq, version })),
    };
  }

  async appendUpdates(id: string, updates: readonly LoggedUpdate[]): Promise<void> {
    const record = this.require(id);
    // as the SQL engines' primary key (session_id, version): one history, whoever appends; checked
    // for every update before any is kept, so that a batch is appended whole or not at all
    const taken = updates.find(({ entry }) => record.logged.has(entry.version));
    if (taken) throw versionTaken(id, taken.entry.version);
    for (const { entry, applied } of updates) {
      record.log.push(entry);
      record.logged.add(entry.version);
      if (applied) keepApplied(record, applied);
    }
    record.lastUsedAt = Date.now();
  }

  async recordApplied(id: string, applied: AppliedUpdate): Promise<void> {
    keepApplied(this.require(id), applied);
  }

  async saveSnapshot(id: string, snapshot: Snapshot, keepFrom: number, appliedBefore: number): Promise<void> {
    const record = this.require(id);
    record.snapshots = [...record.snapshots.filter((kept) => kept.version !== snapshot.version), snapshot].sort((a, b) => a.version - b.version);
    const base = record.snapshots.findLast((kept) => kept.version <= keepFrom);
    if (base) {
      record.snapshots = record.snapshots.filter((kept) => kept.version >= base.version);
      record.log = record.log.filter((entry) => entry.version > base.version);
      record.logged = new Set(record.log.map((entry) => entry.version));
    }
    for (const [key, applied] of record.applied) if (applied.appliedAt < appliedBefore) record.applied.delete(key);
  }

  async removeUnusedSince(cutoff: number, keep: ReadonlySet<string>): Promise<string[]> {
    const removed = [...this.sessions.values()]
      .filter((record) => record.lastUsedAt < cutoff && !keep.has(record.meta.id))
      .map((record) => record.meta.id);
    for (const id of removed) this.sessions.delete(id);
    return removed;
  }

  async headVersions(ids: readonly string[]): Promise<Map<string, number>> {
    const heads = new Map<string, number>();
    for (const id of ids) {
      const last = this.sessions.get(id)?.log.at(-1);
      if (last) heads.set(id, last.version);
    }
    return heads;
  }

  async ping(): Promise<void> {
    if (this.closed) throw new StorageError('storage-closed', 'the store is closed');
  }

  async close(): Promise<void> {
    this.closed = true;
    this.sessions.clear();
  }

  private require(id: string): MemoryRecord {
    if (this.closed) throw new StorageError('storage-closed', 'the store is closed');
    const record = this.sessions.get(id);
    if (!record) throw new StorageError('storage-failed', `memory store: no session ${id}`);
    return record;
  }
}

function keepApplied(record: MemoryRecord, applied: AppliedUpdate): void {
  record.applied.set(`${applied.userId}\n${applied.clientKey}`, { appliedAt: Date.now(), ...applied });
}
