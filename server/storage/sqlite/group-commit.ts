import type { Database } from 'better-sqlite3';
import { StorageError, writeFailure } from '../storage-error';

/** One write: runs synchronously inside a transaction that others may share. */
export type WriteOp<T> = () => T;

/** Makes what was committed durable before the writes resolve (the WAL's fsync), or nothing to wait for. */
export type Durability = () => Promise<void>;

interface Pending {
  op: WriteOp<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

interface Committed {
  pending: Pending;
  value: unknown;
}

/**
 * Group commit: the writes queued during one turn of the event loop are committed together, in
 * one transaction, and each promise resolves only after that commit is durable (`durable`, the
 * WAL's fsync, runs off the event loop and is shared by every batch waiting for it). Many
 * sessions writing at once then cost one disk flush per round instead of one each.
 * When a shared transaction fails, its writes are tried again one transaction each, so that
 * one bad write (or a disk that filled up midway) fails alone and the others still commit.
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  private closed = false;
  /** Batches committed whose durability is still awaited. */
  private syncing = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly db: Database,
    private readonly durable: Durability = () => Promise.resolve(),
  ) {}

  run<T>(op: WriteOp<T>): Promise<T> {
    if (this.closed) return Promise.reject(new StorageError('storage-closed', 'the store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ op, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  /** Commits what is queued and makes it durable, then refuses new writes. */
  async close(): Promise<void> {
    this.closed = true;
    if (!this.idle) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private get idle(): boolean {
    return this.queue.length === 0 && !this.scheduled && this.syncing === 0;
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
    const together = batch.length === 1 ? null : this.tryTogether(batch);
    const committed = together ?? batch.flatMap((pending) => this.commitAlone(pending));
    if (committed.length > 0) void this.settleWhenDurable(committed);
    if (this.queue.length > 0) this.schedule();
    this.wakeIfIdle();
  }

  private async settleWhenDurable(committed: Committed[]): Promise<void> {
    this.syncing++;
    try {
      await this.durable();
      for (const { pending, value } of committed) pending.resolve(value);
    } catch (error) {
      const failure = writeFailure(error);
      for (const { pending } of committed) pending.reject(failure);
    } finally {
      this.syncing--;
      this.wakeIfIdle();
    }
  }

  private wakeIfIdle(): void {
    if (this.idle) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  private tryTogether(batch: Pending[]): Committed[] | null {
    try {
      const values = this.db.transaction(() => batch.map((pending) => pending.op()))();
      return batch.map((pending, i) => ({ pending, value: values[i] }));
    } catch {
      // not reported here: each write is tried again alone and reports its own failure
      return null;
    }
  }

  private commitAlone(pending: Pending): Committed[] {
    try {
      return [{ pending, value: this.db.transaction(pending.op)() }];
    } catch (error) {
      pending.reject(writeFailure(error));
      return [];
    }
  }
}
