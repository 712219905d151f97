import type { Database } from 'better-sqlite3';
import { StorageError, writeFailure } from '../storage-error';

/** One write: runs synchronously inside a transaction that others may share. */
export type WriteOp<T> = () => T;

interface Pending {
  op: WriteOp<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: the writes queued during one turn of the event loop are committed together, in
 * one transaction and so with one fsync, and each promise resolves only after that commit.
 * Many sessions writing at once then cost one disk flush per turn instead of one each.
 * When a shared transaction fails, its writes are tried again one transaction each, so that
 * one bad write (or a disk that filled up midway) fails alone and the others still commit.
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  private closed = false;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly db: Database) {}

  run<T>(op: WriteOp<T>): Promise<T> {
    if (this.closed) return Promise.reject(new StorageError('storage-closed', 'the store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ op, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  /** Commits what is queued, then refuses new writes. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.queue.length > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate runs after the I/O callbacks of this turn: every write they queue joins the batch
    setImmediate(() => this.commitQueued());
  }

  private commitQueued(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 1 || !this.tryTogether(batch)) {
      for (const pending of batch) this.commitAlone(pending);
    }
    if (this.queue.length > 0) this.schedule();
    else for (const wake of this.idleWaiters.splice(0)) wake();
  }

  private tryTogether(batch: Pending[]): boolean {
    let results: unknown[];
    try {
      results = this.db.transaction(() => batch.map((pending) => pending.op()))();
    } catch {
      // not reported here: each write is tried again alone and reports its own failure
      return false;
    }
    batch.forEach((pending, i) => pending.resolve(results[i]));
    return true;
  }

  private commitAlone(pending: Pending): void {
    try {
      pending.resolve(this.db.transaction(pending.op)());
    } catch (error) {
      pending.reject(writeFailure(error));
    }
  }
}
