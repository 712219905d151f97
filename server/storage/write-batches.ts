import { StorageError, writeFailure } from './storage-error';
import { outcomeError, type Outcome } from './write-outcome';

/** Commits a batch of writes together (SQLite's writer thread, one PostgreSQL statement), each one's outcome in order. */
export type CommitBatch<C> = (commands: C[]) => Promise<Outcome[]>;

interface Pending<C> {
  command: C;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * While several writers share the batches, they start at most this often. Each batch wakes the
 * writer thread and, once committed, the event loop, and costs an fsync: on a virtual machine a
 * wake-up across cores costs tens of microseconds, and the fsync's kernel work (a virtio kick, a
 * journal write) some milliseconds of the writer's CPU, taken from the cores the event loop needs.
 * Under a crowd (400 tables, 2,000 updates a second), batches spaced by 3 ms instead of back to
 * back took about 13 µs per update off the event loop; 8 ms instead of 3 took another 8 µs, and a
 * third of the writer's CPU (docs/benchmarks-notes.md). After a batch of one command the next goes
 * at once: one busy table's commits follow one another anyway (the updates applied during one join
 * the next), and spacing them cut its acknowledged updates a second to a fifth. So does a write
 * with no batch in the last BATCH_SPACING_MS. PostgreSQL's appends are spaced alike: each batch is a
 * round trip and a commit, with its WAL flush, of the database every node shares.
 */
export const BATCH_SPACING_MS = 8;

/**
 * Group commit, seen from the event loop: the writes queued during one turn go to the database as
 * one batch, and while that batch is being committed the next one accumulates; each promise
 * resolves only once its batch is committed (and fsynced). Many sessions writing at once then cost
 * one transaction and one flush per round instead of one each: with SQLite, on the writer thread;
 * with PostgreSQL, one statement and one round trip for the appends of every session.
 */
export class WriteBatches<C> {
  private queue: Array<Pending<C>> = [];
  private scheduled = false;
  private inFlight = false;
  private closed = false;
  private idleWaiters: Array<() => void> = [];
  private lastSentAt = -Infinity;
  /** Whether the last batch held several commands: the next one waits for more to gather. */
  private shared = false;

  constructor(private readonly commit: CommitBatch<C>) {}

  run<T>(command: C): Promise<T> {
    if (this.closed) return Promise.reject(new StorageError('storage-closed', 'the store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ command, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  /** Commits what is queued, then refuses new writes. */
  async close(): Promise<void> {
    this.closed = true;
    if (!this.idle) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private get idle(): boolean {
    return this.queue.length === 0 && !this.scheduled && !this.inFlight;
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight) return;
    this.scheduled = true;
    const wait = this.untilDue();
    // setImmediate runs after the I/O callbacks of this turn: every write they queue joins the batch
    if (wait <= 0) setImmediate(() => this.sendScheduled());
    else setTimeout(() => this.sendScheduled(), wait);
  }

  private sendScheduled(): void {
    // a timer counts from the event loop's clock, read once per turn: after a busy turn it fired up to 1.7 ms early
    const wait = this.untilDue();
    if (wait > 0) {
      setTimeout(() => this.sendScheduled(), wait);
      return;
    }
    this.scheduled = false;
    void this.send();
  }

  /** How long until the next batch may start: BATCH_SPACING_MS after a shared one, at once after a lone one. */
  private untilDue(): number {
    return this.shared ? this.lastSentAt + BATCH_SPACING_MS - performance.now() : 0;
  }

  private async send(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    this.inFlight = true;
    this.lastSentAt = performance.now();
    this.shared = batch.length > 1;
    try {
      const outcomes = await this.commit(batch.map((pending) => pending.command));
      batch.forEach((pending, i) => settle(pending, outcomes[i]));
    } catch (error) {
      const failure = writeFailure(error);
      for (const pending of batch) pending.reject(failure);
    } finally {
      this.inFlight = false;
      if (this.queue.length > 0) this.schedule();
      else for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }
}

function settle<C>(pending: Pending<C>, outcome: Outcome | undefined): void {
  if (!outcome) pending.reject(new StorageError('storage-failed', 'the writer gave no outcome for this write'));
  else if (outcome.ok) pending.resolve(outcome.value);
  else pending.reject(outcomeError(outcome));
}
