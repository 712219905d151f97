import { StorageError } from '../storage/storage-error';

/** A commit of the chain failed, or one before it did: nothing it holds was stored. */
export class BrokenChainError extends Error {
  constructor(cause: unknown) {
    super('an earlier commit of this session failed', { cause });
  }
}

/**
 * Whether a commit failed because another writer (another node) had appended that version first,
 * itself or a commit before it: the update was not stored, and can be merged again on what was.
 */
export function lostTheRace(error: unknown): boolean {
  const cause = error instanceof BrokenChainError ? error.cause : error;
  return cause instanceof StorageError && cause.code === 'version-taken';
}

/**
 * The commits of one session, in version order, each started once the one before it is durable.
 * A session relays an update as soon as it is applied in memory and acknowledges it when its
 * commit resolves here. Once one fails, those queued after it fail without being tried (the log
 * never holds a version without the one before it), until `restart()`: the session has been
 * rolled back to what is stored, and later commits build on that.
 */
export class CommitChain {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;
  private epoch = 0;
  private failure: unknown;

  private readonly done = (): void => {
    this.pending--;
  };

  /** Two promises per commit, and no `finally`: every update of a table passes through here. */
  add<T>(commit: () => Promise<T>): Promise<T> {
    const epoch = this.epoch;
    this.pending++;
    const result = this.tail.then(() => {
      if (epoch !== this.epoch) throw new BrokenChainError(this.failure);
      if (this.failure !== undefined) throw new BrokenChainError(this.failure);
      return commit();
    });
    this.tail = result.then(this.done, (error: unknown) => {
      if (epoch === this.epoch) this.failure ??= error;
      this.pending--;
    });
    return result;
  }

  /** Resolves once everything queued so far is durable; rejects when any of it failed. */
  settled(): Promise<void> {
    return this.add(() => Promise.resolve());
  }

  /** The session was rolled back to what is stored: commits queued from now on run again. */
  restart(): void {
    this.epoch++;
    this.failure = undefined;
  }

  /** True once a commit failed, until `restart()`. */
  get broken(): boolean {
    return this.failure !== undefined;
  }

  /** True once a commit failed because another writer appended its version first, until `restart()`. */
  get lostRace(): boolean {
    return lostTheRace(this.failure);
  }

  /** True when no commit is queued or running. */
  get idle(): boolean {
    return this.pending === 0;
  }
}
