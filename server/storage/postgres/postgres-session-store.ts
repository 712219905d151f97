import type { AppliedUpdate, LoggedUpdate, SessionMeta, SessionStore, Snapshot, SnapshotChoice, StoredSession } from '../session-store';
import { toDelta, toSnapshot, type DeltaRow } from '../stored-rows';
import type { PostgresDatabase, Query } from './database';
import { WriteBatches } from '../write-batches';
import { commitAppends, type SessionAppend } from './session-appends';

interface AppliedRow {
  user_id: string;
  client_key: string;
  seq: number;
  version: number;
}

const SNAPSHOT_COLUMNS = 'SELECT version, state FROM snapshots WHERE session_id = $1';

const SQL = {
  touched: 'UPDATE sessions SET last_used_at = $2 WHERE id = $1 RETURNING host_id, created_at',
  newestSnapshot: `${SNAPSHOT_COLUMNS} ORDER BY version DESC LIMIT 1`,
  snapshotFrom: `${SNAPSHOT_COLUMNS} AND version >= $2 ORDER BY version LIMIT 1`,
  logStart: 'SELECT min(from_version) AS first FROM deltas WHERE session_id = $1',
  // one index range per session (the key is (session_id, version)): cheap for every table a node holds
  heads: 'SELECT session_id, max(version)::int AS head FROM deltas WHERE session_id = ANY($1::text[]) GROUP BY session_id',
  deltasAfter: 'SELECT version, from_version, crc, delta, update_id FROM deltas WHERE session_id = $1 AND version > $2 ORDER BY version',
  applied: 'SELECT user_id, client_key, seq, version FROM applied_updates WHERE session_id = $1',
  recordApplied: `INSERT INTO applied_updates (session_id, user_id, client_key, seq, version, applied_at) VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (session_id, user_id, client_key) DO UPDATE SET seq = excluded.seq, version = excluded.version, applied_at = excluded.applied_at`,
  saveSnapshot: `INSERT INTO snapshots (session_id, version, state) VALUES ($1, $2, $3)
    ON CONFLICT (session_id, version) DO UPDATE SET state = excluded.state`,
  keptBase: `SELECT version FROM snapshots WHERE session_id = $1 AND version <= $2 ORDER BY version DESC LIMIT 1`,
  pruneSnapshots: 'DELETE FROM snapshots WHERE session_id = $1 AND version < $2',
  pruneDeltas: 'DELETE FROM deltas WHERE session_id = $1 AND version <= $2',
  pruneApplied: 'DELETE FROM applied_updates WHERE session_id = $1 AND applied_at < $2',
  // snapshots, deltas, layers, PDF records go with it (ON DELETE CASCADE)
  removeUnused: 'DELETE FROM sessions WHERE last_used_at < $1 AND NOT (id = ANY($2::text[])) RETURNING id',
};

/**
 * Sessions in PostgreSQL, shared by every node on the database. Each write is one transaction,
 * resolved once committed; the appends of all the node's sessions are committed together
 * (session-appends.ts). The primary key (session_id, version) of the log decides which of two
 * writers appending the same version wins: the other gets `version-taken`.
 */
export class PostgresSessionStore implements SessionStore {
  /** The appends of every session of this node, committed together in one statement per batch. */
  private readonly appends: WriteBatches<SessionAppend>;

  /** Closing this store closes `db`, which the other PostgreSQL stores share. */
  constructor(private readonly db: PostgresDatabase) {
    this.appends = new WriteBatches(commitAppends(db));
  }

  async createSession(meta: SessionMeta): Promise<void> {
    await this.db.query('INSERT INTO sessions (id, host_id, created_at, last_used_at) VALUES ($1, $2, $3, $4)', [
      meta.id,
      meta.hostId,
      meta.createdAt,
      Date.now(),
    ]);
  }

  async loadSession(id: string, from: SnapshotChoice = 'oldest'): Promise<StoredSession | null> {
    // marking it used is committed first, so an expiry sweep that comes later spares it
    const touched = await this.db.query(SQL.touched, [id, Date.now()]);
    const row = touched.rows[0] as { host_id: string; created_at: number } | undefined;
    if (!row) return null;
    // one snapshot of the database for all reads: a snapshot saved meanwhile cannot cut the log in two
    return this.db.transaction(async (query) => {
      const snapshot = from === 'newest' ? await newestSnapshot(query, id) : await baseSnapshot(query, id);
      const log = await query(SQL.deltasAfter, [id, snapshot.version]);
      const applied = await query(SQL.applied, [id]);
      return {
        meta: { id, hostId: row.host_id, createdAt: row.created_at },
        snapshot,
        log: (log.rows as DeltaRow[]).map(toDelta),
        applied: (applied.rows as AppliedRow[]).map((a) => ({ userId: a.user_id, clientKey: a.client_key, seq: a.seq, version: a.version })),
      };
    }, 'REPEATABLE READ');
  }

  appendUpdates(id: string, updates: readonly LoggedUpdate[]): Promise<void> {
    return this.appends.run({ id, updates });
  }

  async recordApplied(id: string, applied: AppliedUpdate): Promise<void> {
    await this.db.query(SQL.recordApplied, [id, applied.userId, applied.clientKey, applied.seq, applied.version, Date.now()]);
  }

  saveSnapshot(id: string, snapshot: Snapshot, keepFrom: number, appliedBefore: number): Promise<void> {
    const state = JSON.stringify(snapshot.state);
    return this.db.transaction(async (query) => {
      await query(SQL.saveSnapshot, [id, snapshot.version, state]);
      const base = (await query(SQL.keptBase, [id, keepFrom])).rows[0] as { version: number } | undefined;
      if (base) {
        await query(SQL.pruneSnapshots, [id, base.version]);
        await query(SQL.pruneDeltas, [id, base.version]);
      }
      await query(SQL.pruneApplied, [id, appliedBefore]);
    });
  }

  async removeUnusedSince(cutoff: number, keep: ReadonlySet<string>): Promise<string[]> {
    const removed = await this.db.query(SQL.removeUnused, [cutoff, [...keep]]);
    return (removed.rows as Array<{ id: string }>).map((row) => row.id);
  }

  async headVersions(ids: readonly string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const { rows } = await this.db.query(SQL.heads, [ids]);
    return new Map((rows as Array<{ session_id: string; head: number }>).map((row) => [row.session_id, row.head]));
  }

  async ping(): Promise<void> {
    await this.db.query('SELECT 1');
  }

  /** Commits the appends queued, then closes the database. */
  async close(): Promise<void> {
    await this.appends.close();
    await this.db.close();
  }
}

async function newestSnapshot(query: Query, id: string): Promise<Snapshot> {
  return toSnapshot((await query(SQL.newestSnapshot, [id])).rows[0]);
}

/** The state the log continues from (the empty state while the log reaches back to version 0). */
async function baseSnapshot(query: Query, id: string): Promise<Snapshot> {
  const first = ((await query(SQL.logStart, [id])).rows[0] as { first: number | null }).first;
  if (first === null) return newestSnapshot(query, id);
  if (first === 0) return toSnapshot(undefined);
  return toSnapshot((await query(SQL.snapshotFrom, [id, first])).rows[0]);
}
