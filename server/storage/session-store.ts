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

export interface StoredSession {
  meta: SessionMeta;
  snapshot: Snapshot;
  /** Logged deltas in version order: every one after the snapshot, and possibly some before it. */
  log: GameStateDelta[];
}

/**
 * Where sessions live between restarts. Every write resolves only once it is committed: the
 * session acknowledges and broadcasts an update after `appendUpdate` resolves, never before.
 * A session counts as used when it is loaded and when it is written to.
 */
export interface SessionStore {
  createSession(meta: SessionMeta): Promise<void>;
  /** The session, with at most `historyEntries` of the log before the snapshot; null if unknown. */
  loadSession(id: string, historyEntries: number): Promise<StoredSession | null>;
  appendUpdate(id: string, entry: GameStateDelta): Promise<void>;
  /**
   * Stores `snapshot` and drops the log entries older than its version minus `keepBefore`: the
   * snapshot bounds the log, while the entries kept still let clients just behind catch up.
   */
  saveSnapshot(id: string, snapshot: Snapshot, keepBefore: number): Promise<void>;
  /** Removes the sessions last used before `cutoff` (ms since the epoch), but none in `keep`. */
  removeUnusedSince(cutoff: number, keep: ReadonlySet<string>): Promise<string[]>;
  /** Commits what is pending, then releases the storage; later calls fail. */
  close(): Promise<void>;
}
