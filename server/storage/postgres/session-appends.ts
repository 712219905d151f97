import type { AppliedUpdate, LoggedUpdate } from '../session-store';
import { versionTaken } from '../storage-error';
import type { CommitBatch } from '../write-batches';
import { failed, type Outcome } from '../write-outcome';
import type { PostgresDatabase } from './database';
import { failedState, UNIQUE_VIOLATION } from './postgres-errors';

/** The updates one session appends to its log, with the clients' applied updates they carry. */
export interface SessionAppend {
  id: string;
  updates: readonly LoggedUpdate[];
}

/**
 * One statement, so one round trip and one implicit transaction for the appends of every session
 * in a batch: their deltas, the updates they applied, their use. A version taken fails it all; each
 * append is then tried alone (appendAlone), so that only the one that lost its race fails.
 */
const APPEND = `WITH delta AS (
    INSERT INTO deltas (session_id, version, from_version, crc, delta, update_id)
      SELECT * FROM unnest($1::text[], $2::integer[], $3::integer[], $4::bigint[], $5::text[], $6::text[])
    RETURNING session_id
  ), applied AS (
    INSERT INTO applied_updates (session_id, user_id, client_key, seq, version, applied_at)
      SELECT a.*, $12::bigint FROM unnest($7::text[], $8::text[], $9::text[], $10::integer[], $11::integer[]) AS a
    ON CONFLICT (session_id, user_id, client_key) DO UPDATE SET seq = excluded.seq, version = excluded.version, applied_at = excluded.applied_at
  )
  UPDATE sessions SET last_used_at = $12::bigint WHERE id IN (SELECT session_id FROM delta)`;

/** The columns of the statement, one array each. */
class AppendColumns {
  readonly deltas = { sessions: [] as string[], versions: [] as number[], fromVersions: [] as number[], crcs: [] as number[], texts: [] as string[], updateIds: [] as Array<string | null> };
  readonly applied = { sessions: [] as string[], users: [] as string[], clients: [] as string[], seqs: [] as number[], versions: [] as number[] };

  add({ id, updates }: SessionAppend): void {
    const { deltas, applied } = this;
    for (const { entry } of updates) {
      deltas.sessions.push(id);
      deltas.versions.push(entry.version);
      deltas.fromVersions.push(entry.fromVersion);
      deltas.crcs.push(entry.crc);
      deltas.texts.push(JSON.stringify(entry.delta));
      deltas.updateIds.push(entry.updateId ?? null);
    }
    for (const last of lastAppliedPerClient(updates)) {
      applied.sessions.push(id);
      applied.users.push(last.userId);
      applied.clients.push(last.clientKey);
      applied.seqs.push(last.seq);
      applied.versions.push(last.version);
    }
  }

  values(now: number): unknown[] {
    const { deltas: d, applied: a } = this;
    return [d.sessions, d.versions, d.fromVersions, d.crcs, d.texts, d.updateIds, a.sessions, a.users, a.clients, a.seqs, a.versions, now];
  }
}

async function append(db: PostgresDatabase, appends: readonly SessionAppend[]): Promise<void> {
  const columns = new AppendColumns();
  for (const each of appends) columns.add(each);
  await db.query(APPEND, columns.values(Date.now()));
}

/** One session's append in a statement of its own: its outcome, `version-taken` when another writer appended first. */
async function appendAlone(db: PostgresDatabase, one: SessionAppend): Promise<Outcome> {
  try {
    await append(db, [one]);
    return { ok: true, value: undefined };
  } catch (error) {
    if (failedState(error) === UNIQUE_VIOLATION) return failed(versionTaken(one.id, one.updates[0]?.entry.version ?? 0, error));
    return failed(error);
  }
}

/** Commits the appends of a batch together, or, when that fails, each one alone. */
export function commitAppends(db: PostgresDatabase): CommitBatch<SessionAppend> {
  return async (appends) => {
    if (appends.length > 1) {
      try {
        await append(db, appends);
        return appends.map(() => ({ ok: true, value: undefined }));
      } catch {
        // not reported here: each append is tried again alone and reports its own failure
      }
    }
    return Promise.all(appends.map((one) => appendAlone(db, one)));
  };
}

/**
 * The last applied update of each client in one session's updates: one statement may not upsert a
 * row twice, and the last one is what upserting them in order would leave. A batch holds one
 * append per session (a session's next append waits for its last), so sessions never share a row.
 */
function lastAppliedPerClient(updates: readonly LoggedUpdate[]): AppliedUpdate[] {
  const last = new Map<string, AppliedUpdate>();
  for (const { applied } of updates) if (applied) last.set(`${applied.userId}\n${applied.clientKey}`, applied);
  return [...last.values()];
}
