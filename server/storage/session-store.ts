import type { GameStateDelta } from '../../shared/protocol';
import type { JsonObject } from '../../shared/json';

export interface SessionMeta {
  id: string;
  hostId: string;
  createdAt: number;
}

export interface Snapshot {
  version: number;
  state: JsonObject;
}

/**
 * The last update applied for one client of one user (update id `<clientKey>-<seq>`): a resend
 * of it, or of anything before it, is acknowledged with `version` and not applied again (S10).
 */
export interface AppliedUpdate {
  userId: string;
  clientKey: string;
  seq: number;
  version: number;
}

/** One delta for the log, with the client update it applied (stored in the same commit). */
export interface LoggedUpdate {
  entry: GameStateDelta;
  applied?: AppliedUpdate;
}

export type SnapshotChoice = 'oldest' | 'newest';

export interface StoredSession {
  meta: SessionMeta;
  /** The oldest state the log continues from, so that merges can read their base back that far. */
  snapshot: Snapshot;
  /** Every logged delta after the snapshot, in version order. */
  log: GameStateDelta[];
  applied: AppliedUpdate[];
}

/**
 * Where sessions live between restarts. Every write resolves only once it is committed (durably,
 * as the store's settings say): the session acknowledges an update after `appendUpdates` resolves,
 * never before. It relays the update to the table before that, and calls `appendUpdates` for one
 * session one at a time, in version order (docs/storage.md, W2).
 * A session counts as used when it is loaded and when it is written to.
 */
export interface SessionStore {
  createSession(meta: SessionMeta): Promise<void>;
  /**
   * The session from its oldest kept snapshot with the log after it, or, `from: 'newest'`, from
   * its newest snapshot (a log that cannot be replayed from the oldest); null if unknown.
   */
  loadSession(id: string, from?: SnapshotChoice): Promise<StoredSession | null>;
  /**
   * Appends consecutive deltas, each with the client update it applied, in one commit: all of
   * them or none (`version-taken` when another writer has any of their versions already).
   */
  appendUpdates(id: string, updates: readonly LoggedUpdate[]): Promise<void>;
  /** Records a client update that changed nothing, so that a resend of it is not merged again. */
  recordApplied(id: string, applied: AppliedUpdate): Promise<void>;
  /**
   * Stores `snapshot` and drops what is no longer needed to rebuild the state at `keepFrom`: the
   * snapshots before the newest one at or below it, and the log up to that one. Merges from a
   * base at `keepFrom` or later, and clients that far behind, are thus still served after a
   * reload. Applied-update records older than `appliedBefore` (ms since the epoch) go too.
   */
  saveSnapshot(id: string, snapshot: Snapshot, keepFrom: number, appliedBefore: number): Promise<void>;
  /** Removes the sessions last used before `cutoff` (ms since the epoch), but none in `keep`. */
  removeUnusedSince(cutoff: number, keep: ReadonlySet<string>): Promise<string[]>;
  /**
   * The version of the newest delta logged of each of `ids` that has one: a cheap look at the
   * heads, so that a node notices a table it holds went further without a message telling it.
   */
  headVersions(ids: readonly string[]): Promise<Map<string, number>>;
  /** Resolves when the storage answers now (for /healthz); fails with a StorageError when it does not. */
  ping(): Promise<void>;
  /** Commits what is pending, then releases the storage; later calls fail. */
  close(): Promise<void>;
}
