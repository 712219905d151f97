import type { Database } from 'better-sqlite3';
import type { AppliedUpdate, LoggedUpdate, SessionMeta, SessionStore, Snapshot, SnapshotChoice, StoredSession } from '../session-store';
import { sqliteCode, versionTaken } from '../storage-error';
import { toDelta, toSnapshot, type DeltaRow } from '../stored-rows';
import { SqliteConnection } from './connection';
import type { OpenOptions } from './open-database';

interface SessionRow {
  id: string;
  host_id: string;
  created_at: number;
}

interface AppliedRow {
  user_id: string;
  client_key: string;
  seq: number;
  version: number;
}

/** Every statement the store runs, prepared once. */
function prepare(db: Database) {
  return {
    insertSession: db.prepare('INSERT INTO sessions (id, host_id, created_at, last_used_at) VALUES (?, ?, ?, ?)'),
    touch: db.prepare('UPDATE sessions SET last_used_at = ? WHERE id = ?'),
    session: db.prepare<[string], SessionRow>('SELECT id, host_id, created_at FROM sessions WHERE id = ?'),
    snapshotFrom: db.prepare<[string, number], { version: number; state: string }>(
      'SELECT version, state FROM snapshots WHERE session_id = ? AND version >= ? ORDER BY version LIMIT 1',
    ),
    newestSnapshot: db.prepare<[string], { version: number; state: string }>(
      'SELECT version, state FROM snapshots WHERE session_id = ? ORDER BY version DESC LIMIT 1',
    ),
    head: db.prepare<[string], { head: number | null }>('SELECT max(version) AS head FROM deltas WHERE session_id = ?'),
    logStart: db.prepare<[string], { first: number | null }>('SELECT min(from_version) AS first FROM deltas WHERE session_id = ?'),
    saveSnapshot: db.prepare('INSERT OR REPLACE INTO snapshots (session_id, version, state) VALUES (?, ?, ?)'),
    keptBase: db.prepare<[string, number], { version: number }>(
      'SELECT version FROM snapshots WHERE session_id = ? AND version <= ? ORDER BY version DESC LIMIT 1',
    ),
    pruneSnapshots: db.prepare('DELETE FROM snapshots WHERE session_id = ? AND version < ?'),
    insertDelta: db.prepare('INSERT INTO deltas (session_id, version, from_version, crc, delta, update_id) VALUES (?, ?, ?, ?, ?, ?)'),
    deltasAfter: db.prepare<[string, number], DeltaRow>(
      'SELECT version, from_version, crc, delta, update_id FROM deltas WHERE session_id = ? AND version > ? ORDER BY version',
    ),
    pruneDeltas: db.prepare('DELETE FROM deltas WHERE session_id = ? AND version <= ?'),
    applied: db.prepare<[string], AppliedRow>('SELECT user_id, client_key, seq, version FROM applied_updates WHERE session_id = ?'),
    recordApplied: db.prepare(
      `INSERT INTO applied_updates (session_id, user_id, client_key, seq, version, applied_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (session_id, user_id, client_key) DO UPDATE SET seq = excluded.seq, version = excluded.version, applied_at = excluded.applied_at`,
    ),
    pruneApplied: db.prepare('DELETE FROM applied_updates WHERE session_id = ? AND applied_at < ?'),
    unusedSince: db.prepare<[number], { id: string }>('SELECT id FROM sessions WHERE last_used_at < ?'),
    // snapshots, deltas, page layers and PDF records go with it (ON DELETE CASCADE)
    removeSession: db.prepare('DELETE FROM sessions WHERE id = ?'),
  };
}

/**
 * Sessions in one SQLite file (WAL). Writes go through group commit and resolve once committed
 * with the configured `synchronous` (see docs/storage.md for what survives what). Reads run
 * directly: better-sqlite3 is synchronous and a WAL reader never waits for the writer.
 */
export class SqliteSessionStore implements SessionStore {
  private readonly sql: ReturnType<typeof prepare>;
  private readonly writes: SqliteConnection['writes'];

  /** Closing this store closes `connection`, which the other SQLite stores may share. */
  constructor(private readonly connection: SqliteConnection) {
    this.sql = prepare(connection.db);
    this.writes = connection.writes;
  }

  /** Opens the database file for this store alone; throws a StorageError when it is unusable. */
  static open(options: OpenOptions): SqliteSessionStore {
    return new SqliteSessionStore(SqliteConnection.open(options));
  }

  /** Schema versions migrated to when the database was opened. */
  get migrated(): number[] {
    return this.connection.migrated;
  }

  createSession(meta: SessionMeta): Promise<void> {
    return this.writes.run(() => {
      this.sql.insertSession.run(meta.id, meta.hostId, meta.createdAt, Date.now());
    });
  }

  async loadSession(id: string, from: SnapshotChoice = 'oldest'): Promise<StoredSession | null> {
    // marking it used is committed first, so an expiry sweep that comes later spares it
    const known = await this.writes.run(() => this.sql.touch.run(Date.now(), id).changes > 0);
    if (!known) return null;
    const row = this.sql.session.get(id) as SessionRow;
    const snapshot = from === 'newest' ? this.newestSnapshot(id) : this.baseSnapshot(id);
    return {
      meta: { id: row.id, hostId: row.host_id, createdAt: row.created_at },
      snapshot,
      log: this.sql.deltasAfter.all(id, snapshot.version).map(toDelta),
      applied: this.sql.applied.all(id).map((applied) => ({ userId: applied.user_id, clientKey: applied.client_key, seq: applied.seq, version: applied.version })),
    };
  }

  private newestSnapshot(id: string): Snapshot {
    return toSnapshot(this.sql.newestSnapshot.get(id));
  }

  /** The state the log continues from (the empty state while the log reaches back to version 0). */
  private baseSnapshot(id: string): Snapshot {
    const first = this.sql.logStart.get(id)?.first ?? null;
    return toSnapshot(first === null ? this.sql.newestSnapshot.get(id) : first === 0 ? undefined : this.sql.snapshotFrom.get(id, first));
  }

  /** One write of the group commit, so one transaction: a failure of any insert rolls back them all. */
  appendUpdates(id: string, updates: readonly LoggedUpdate[]): Promise<void> {
    const deltas = updates.map(({ entry }) => JSON.stringify(entry.delta));
    return this.writes.run(() => {
      const now = Date.now();
      updates.forEach(({ entry, applied }, i) => {
        try {
          this.sql.insertDelta.run(id, entry.version, entry.fromVersion, entry.crc, deltas[i], entry.updateId ?? null);
        } catch (error) {
          // the primary key (session_id, version): another writer appended this version first
          if (sqliteCode(error) === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw versionTaken(id, entry.version, error);
          throw error;
        }
        if (applied) this.sql.recordApplied.run(id, applied.userId, applied.clientKey, applied.seq, applied.version, now);
      });
      this.sql.touch.run(now, id);
    });
  }

  recordApplied(id: string, applied: AppliedUpdate): Promise<void> {
    return this.writes.run(() => {
      this.sql.recordApplied.run(id, applied.userId, applied.clientKey, applied.seq, applied.version, Date.now());
    });
  }

  saveSnapshot(id: string, snapshot: Snapshot, keepFrom: number, appliedBefore: number): Promise<void> {
    const state = JSON.stringify(snapshot.state);
    return this.writes.run(() => {
      this.sql.saveSnapshot.run(id, snapshot.version, state);
      const base = this.sql.keptBase.get(id, keepFrom)?.version;
      if (base !== undefined) {
        this.sql.pruneSnapshots.run(id, base);
        this.sql.pruneDeltas.run(id, base);
      }
      this.sql.pruneApplied.run(id, appliedBefore);
    });
  }

  removeUnusedSince(cutoff: number, keep: ReadonlySet<string>): Promise<string[]> {
    return this.writes.run(() => {
      const ids = this.sql.unusedSince.all(cutoff).map((row) => row.id).filter((id) => !keep.has(id));
      for (const id of ids) this.sql.removeSession.run(id);
      return ids;
    });
  }

  /** Through the writer: a store whose writes would fail does not pass for healthy. */
  async headVersions(ids: readonly string[]): Promise<Map<string, number>> {
    const heads = new Map<string, number>();
    for (const id of ids) {
      const { head } = this.sql.head.get(id) ?? { head: null };
      if (head !== null) heads.set(id, head);
    }
    return heads;
  }

  ping(): Promise<void> {
    return this.writes.run(() => undefined);
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}
