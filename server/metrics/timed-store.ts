import type { AppliedUpdate, LoggedUpdate, SessionMeta, SessionStore, Snapshot, SnapshotChoice } from '../storage/session-store';
import { secondsSince, type CommitMetrics } from './metrics';

/**
 * A SessionStore that times the writes an acknowledgement waits for (commit latency), whatever
 * the engine beneath; everything else passes through as it is.
 */
export class TimedSessionStore implements SessionStore {
  constructor(
    private readonly store: SessionStore,
    private readonly metrics: CommitMetrics,
  ) {}

  appendUpdates(id: string, updates: readonly LoggedUpdate[]): Promise<void> {
    return this.timed('append', performance.now(), this.store.appendUpdates(id, updates));
  }

  recordApplied(id: string, applied: AppliedUpdate): Promise<void> {
    return this.timed('applied', performance.now(), this.store.recordApplied(id, applied));
  }

  createSession(meta: SessionMeta): Promise<void> {
    return this.store.createSession(meta);
  }

  loadSession(id: string, from?: SnapshotChoice): ReturnType<SessionStore['loadSession']> {
    return this.store.loadSession(id, from);
  }

  saveSnapshot(id: string, snapshot: Snapshot, keepFrom: number, appliedBefore: number): Promise<void> {
    return this.store.saveSnapshot(id, snapshot, keepFrom, appliedBefore);
  }

  removeUnusedSince(cutoff: number, keep: ReadonlySet<string>): Promise<string[]> {
    return this.store.removeUnusedSince(cutoff, keep);
  }

  headVersions(ids: readonly string[]): Promise<Map<string, number>> {
    return this.store.headVersions(ids);
  }

  ping(): Promise<void> {
    return this.store.ping();
  }

  close(): Promise<void> {
    return this.store.close();
  }

  /** Not async: a write waiting for its commit holds two reactions, not a suspended frame. */
  private timed(write: string, start: number, running: Promise<void>): Promise<void> {
    return running.then(
      () => this.metrics.committed(write, 'ok', secondsSince(start)),
      (error: unknown) => {
        this.metrics.committed(write, 'failed', secondsSince(start));
        throw error;
      },
    );
  }
}
