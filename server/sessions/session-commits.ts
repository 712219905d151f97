import type { Logger } from 'pino';
import type { AppliedUpdate, LoggedUpdate, SessionStore, Snapshot } from '../storage/session-store';
import { CommitChain, lostTheRace } from './commit-chain';
import type { SessionChannel } from './session-channel';

/** How long a client's last applied update is remembered: as long as its token may reconnect. */
const APPLIED_UPDATE_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

export interface SessionCommitsDeps {
  sessionId: string;
  store: SessionStore;
  channel: SessionChannel;
  logger: Logger;
  /** Deltas the history keeps: a snapshot keeps the log that far back. */
  historyMaxEntries: number;
  /** A write went through: another node's race, if any, is over. */
  onCommitted: () => void;
  /** A write failed (or lost the race for its version): the session must be rolled back to what is stored. */
  onFailure: (error: unknown) => void;
}

/** Updates waiting for one append, and the newest snapshot due among them. */
interface Batch {
  updates: LoggedUpdate[];
  snapshot?: Snapshot;
  committed: Promise<void>;
}

/**
 * What one session writes to its store, in version order, each write started once the one before
 * it is durable. The updates applied while a write runs are appended together, in one store call
 * and one transaction, once it is done: a slow commit (an fsync behind other engineers' disks, a
 * PostgreSQL round trip) then costs one wait per batch instead of one per update.
 */
export class SessionCommits {
  private readonly chain = new CommitChain();
  /** The batch not yet started, which an update applied now joins. */
  private open: Batch | undefined;

  constructor(private readonly deps: SessionCommitsDeps) {}

  /** Resolves once `update` is committed (with those before it), and `snapshot`, when given, stored or given up. */
  append(update: LoggedUpdate, snapshot?: Snapshot): Promise<void> {
    const joined = this.open;
    if (joined) {
      joined.updates.push(update);
      if (snapshot) joined.snapshot = snapshot;
      return joined.committed;
    }
    const batch: Batch = { updates: [update], snapshot, committed: Promise.resolve() };
    this.open = batch;
    batch.committed = this.chain.add(() => this.appendBatch(batch));
    // a chain broken before the batch started rejects it without running it: nothing joins it then
    // (and the caller awaits it after the session's turn: a failure is not unhandled meanwhile)
    batch.committed.catch(() => this.close(batch));
    return batch.committed;
  }

  /** Stores that an update changed nothing; after the updates before it, none of which it may pass. */
  recordApplied(applied: AppliedUpdate): Promise<void> {
    this.open = undefined;
    const committed = this.chain.add(() => this.storeApplied(applied));
    // the caller awaits it after the session's turn: a failure is not unhandled meanwhile
    committed.catch(() => undefined);
    return committed;
  }

  /** Resolves once everything queued so far is durable; rejects when any of it failed. */
  settled(): Promise<void> {
    return this.chain.settled();
  }

  /** The session was rolled back to what is stored: commits queued from now on run again. */
  restart(): void {
    this.open = undefined;
    this.chain.restart();
  }

  get broken(): boolean {
    return this.chain.broken;
  }

  /** True once a commit lost the race for its version to another writer, until `restart()`. */
  get lostRace(): boolean {
    return this.chain.lostRace;
  }

  get idle(): boolean {
    return this.chain.idle;
  }

  private close(batch: Batch): void {
    if (this.open === batch) this.open = undefined;
  }

  /** One batch's write, in its turn in the chain (one async frame per batch: every update of a busy node passes here). */
  private async appendBatch(batch: Batch): Promise<void> {
    this.close(batch);
    try {
      await this.deps.store.appendUpdates(this.deps.sessionId, batch.updates);
      // the other nodes hear of it once committed: a version that loses the race never reaches them
      for (const { entry, applied } of batch.updates) this.deps.channel.share(this.deps.sessionId, applied ? { kind: 'delta', entry, applied } : { kind: 'delta', entry });
      if (batch.snapshot) await this.saveSnapshot(batch.snapshot);
      this.deps.onCommitted();
    } catch (error) {
      throw this.failed(batch.updates[0]?.entry.version, error);
    }
  }

  private async storeApplied(applied: AppliedUpdate): Promise<void> {
    try {
      await this.deps.store.recordApplied(this.deps.sessionId, applied);
      this.deps.channel.share(this.deps.sessionId, { kind: 'applied', applied });
      this.deps.onCommitted();
    } catch (error) {
      throw this.failed(applied.version, error);
    }
  }

  /** A write that failed: the session must be rolled back to what is stored; the error, to throw on. */
  private failed(version: number | undefined, error: unknown): unknown {
    if (lostTheRace(error)) {
      // another node's busy table, not a fault: the update is merged again and stored
      this.deps.logger.info({ sessionId: this.deps.sessionId, version }, 'another node appended this version first: merging again on what it stored');
    } else {
      this.deps.logger.error({ err: error, sessionId: this.deps.sessionId, version }, 'could not store an update: rolling back to what is stored');
    }
    this.deps.onFailure(error);
    return error;
  }

  private async saveSnapshot(snapshot: Snapshot): Promise<void> {
    try {
      // the store keeps what rebuilds the history's reach, so merges and catch-ups work after a reload
      const keepFrom = snapshot.version - this.deps.historyMaxEntries;
      await this.deps.store.saveSnapshot(this.deps.sessionId, snapshot, keepFrom, Date.now() - APPLIED_UPDATE_RETENTION_MS);
    } catch (error) {
      // the log still holds every update: a missed snapshot only makes the next load longer
      this.deps.logger.warn({ err: error, sessionId: this.deps.sessionId, version: snapshot.version }, 'could not store a snapshot');
    }
  }
}
