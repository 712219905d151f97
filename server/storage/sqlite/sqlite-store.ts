import type { Database } from 'better-sqlite3';
import type { AppliedUpdate, LoggedUpdate, SessionMeta, SessionStore, Snapshot, SnapshotChoice, StoredSession } from '../session-store';
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

/** Every read of the store, prepared once on the event loop's connection (writes: write-commands.ts). */
function prepare(db: Database) {
  return {
    session: db.prepare<[string], SessionRow>('SELECT id, host_id, created_at FROM sessions WHERE id = ?'),
    snapshotFrom: db.prepare<[string, number], { version: number; state: string }>(
      'SELECT version, state FROM snapshots WHERE session_id = ? AND version >= ? ORDER BY version LIMIT 1',
    ),
    newestSnapshot: db.prepare<[string], { version: number; state: string }>(
      'SELECT version, state FROM snapshots WHERE session_id = ? ORDER BY version DESC LIMIT 1',
    ),
    head: db.prepare<[string], { head: number | null }>('SELECT max(version) AS head FROM deltas WHERE session_id = ?'),
    logStart: db.prepare<[string], { first: number | null }>('SELECT min(from_version) AS first FROM deltas WHERE session_id = ?'),
    deltasAfter: db.prepare<[string, number], DeltaRow>(
      'SELECT version, from_version, crc, delta, update_id FROM deltas WHERE session_id = ? AND version > ? ORDER BY version',
    ),
    applied: db.prepare<[string], AppliedRow>('SELECT user_id, client_key, seq, version FROM applied_updates WHERE session_id = ?'),
  };
}

/** How stale `last_used_at` may be: only expiry reads it, and expiry counts in days. */
const TOUCH_EVERY_MS = 60_000;

/**
 * Sessions in one SQLite file (WAL). Writes go to the writer thread in group commits and resolve
 * once committed with the configured `synchronous` (see docs/storage.md for what survives what).
 * Reads run directly: better-sqlite3 is synchronous and a WAL reader never waits for the writer.
 */
export class SqliteSessionStore implements SessionStore {
  private readonly sql: ReturnType<typeof prepare>;
  private readonly writes: SqliteConnection['writes'];
  /** When each session's `last_used_at` was last written from here, so that appends write it once a minute at most. */
  private readonly touchedAt = new Map<string, number>();

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
    return this.writes.run({ kind: 'createSession', id: meta.id, hostId: meta.hostId, createdAt: meta.createdAt, now: Date.now() });
  }

  async loadSession(id: string, from: SnapshotChoice = 'oldest'): Promise<StoredSession | null> {
    // marking it used is committed first, so an expiry sweep that comes later spares it
    const now = Date.now();
    const known = await this.writes.run<boolean>({ kind: 'touchSession', id, now });
    if (!known) return null;
    this.touchedAt.set(id, now);
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
    const now = Date.now();
    const touch = now - (this.touchedAt.get(id) ?? -Infinity) >= TOUCH_EVERY_MS;
    if (touch) this.touchedAt.set(id, now);
    return this.writes.run({
      kind: 'appendUpdates',
      id,
      now,
      touch,
      deltas: updates.map(({ entry }) => ({
        version: entry.version,
        fromVersion: entry.fromVersion,
        crc: entry.crc,
        delta: JSON.stringify(entry.delta),
        updateId: entry.updateId ?? null,
      })),
      applied: appliedRecordsOf(updates),
    });
  }

  recordApplied(id: string, applied: AppliedUpdate): Promise<void> {
    return this.writes.run({ kind: 'recordApplied', id, applied, now: Date.now() });
  }

  saveSnapshot(id: string, snapshot: Snapshot, keepFrom: number, appliedBefore: number): Promise<void> {
    return this.writes.run({ kind: 'saveSnapshot', id, version: snapshot.version, state: JSON.stringify(snapshot.state), keepFrom, appliedBefore });
  }

  async removeUnusedSince(cutoff: number, keep: ReadonlySet<string>): Promise<string[]> {
    const removed = await this.writes.run<string[]>({ kind: 'removeUnusedSince', cutoff, keep: [...keep] });
    for (const id of removed) this.touchedAt.delete(id);
    return removed;
  }

  /** Read on this connection: the WAL shows it what the writer thread has committed. */
  async headVersions(ids: readonly string[]): Promise<Map<string, number>> {
    const heads = new Map<string, number>();
    for (const id of ids) {
      const { head } = this.sql.head.get(id) ?? { head: null };
      if (head !== null) heads.set(id, head);
    }
    return heads;
  }

  /** Through the writer: a store whose writes would fail does not pass for healthy. */
  ping(): Promise<void> {
    return this.writes.run({ kind: 'ping' });
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}

/** The applied-update records of a batch (a loop: flatMap made an array per update). */
function appliedRecordsOf(updates: readonly LoggedUpdate[]): AppliedUpdate[] {
  const applied: AppliedUpdate[] = [];
  for (const update of updates) if (update.applied) applied.push(update.applied);
  return applied;
}
