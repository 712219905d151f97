import type { Database } from 'better-sqlite3';
import type { Delta } from '../../../shared/diff';
import type { JsonObject } from '../../../shared/json';
import type { GameStateDelta } from '../../../shared/protocol';
import type { SessionMeta, SessionStore, Snapshot, StoredSession } from '../session-store';
import { SqliteConnection } from './connection';
import type { OpenOptions } from './open-database';

interface SessionRow {
  id: string;
  host_id: string;
  created_at: number;
}

interface DeltaRow {
  version: number;
  from_version: number;
  crc: number;
  delta: string;
}

/** Every statement the store runs, prepared once. */
function prepare(db: Database) {
  return {
    insertSession: db.prepare('INSERT INTO sessions (id, host_id, created_at, last_used_at) VALUES (?, ?, ?, ?)'),
    touch: db.prepare('UPDATE sessions SET last_used_at = ? WHERE id = ?'),
    session: db.prepare<[string], SessionRow>('SELECT id, host_id, created_at FROM sessions WHERE id = ?'),
    snapshot: db.prepare<[string], { version: number; state: string }>('SELECT version, state FROM snapshots WHERE session_id = ?'),
    saveSnapshot: db.prepare(
      `INSERT INTO snapshots (session_id, version, state) VALUES (?, ?, ?)
       ON CONFLICT (session_id) DO UPDATE SET version = excluded.version, state = excluded.state`,
    ),
    insertDelta: db.prepare('INSERT INTO deltas (session_id, version, from_version, crc, delta) VALUES (?, ?, ?, ?, ?)'),
    deltasAfter: db.prepare<[string, number], DeltaRow>(
      'SELECT version, from_version, crc, delta FROM deltas WHERE session_id = ? AND version > ? ORDER BY version',
    ),
    deltasUpTo: db.prepare<[string, number, number], DeltaRow>(
      'SELECT version, from_version, crc, delta FROM deltas WHERE session_id = ? AND version <= ? ORDER BY version DESC LIMIT ?',
    ),
    pruneDeltas: db.prepare('DELETE FROM deltas WHERE session_id = ? AND version <= ?'),
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

  async loadSession(id: string, historyEntries: number): Promise<StoredSession | null> {
    // marking it used is committed first, so an expiry sweep that comes later spares it
    const known = await this.writes.run(() => this.sql.touch.run(Date.now(), id).changes > 0);
    if (!known) return null;
    const row = this.sql.session.get(id) as SessionRow;
    const stored = this.sql.snapshot.get(id);
    const snapshot: Snapshot = stored ? { version: stored.version, state: JSON.parse(stored.state) as JsonObject } : { version: 0, state: {} };
    const before = this.sql.deltasUpTo.all(id, snapshot.version, historyEntries).reverse();
    const after = this.sql.deltasAfter.all(id, snapshot.version);
    return {
      meta: { id: row.id, hostId: row.host_id, createdAt: row.created_at },
      snapshot,
      log: [...before, ...after].map(toDelta),
    };
  }

  appendUpdate(id: string, entry: GameStateDelta): Promise<void> {
    const delta = JSON.stringify(entry.delta);
    return this.writes.run(() => {
      this.sql.insertDelta.run(id, entry.version, entry.fromVersion, entry.crc, delta);
      this.sql.touch.run(Date.now(), id);
    });
  }

  saveSnapshot(id: string, snapshot: Snapshot, keepBefore: number): Promise<void> {
    const state = JSON.stringify(snapshot.state);
    return this.writes.run(() => {
      this.sql.saveSnapshot.run(id, snapshot.version, state);
      this.sql.pruneDeltas.run(id, snapshot.version - keepBefore);
    });
  }

  removeUnusedSince(cutoff: number, keep: ReadonlySet<string>): Promise<string[]> {
    return this.writes.run(() => {
      const ids = this.sql.unusedSince.all(cutoff).map((row) => row.id).filter((id) => !keep.has(id));
      for (const id of ids) this.sql.removeSession.run(id);
      return ids;
    });
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}

function toDelta(row: DeltaRow): GameStateDelta {
  return { version: row.version, fromVersion: row.from_version, crc: row.crc, delta: JSON.parse(row.delta) as Delta };
}
