/**
 * How long one update keeps trying against other nodes appending to the same table. A lost race
 * is not a failure of the store: other nodes are busy, so the update waits its turn rather than
 * being refused; only a table that stays contended this long gives `internal` (rule G6).
 */
export const RACE_RETRY_MS = 30_000;

/** The first pause after a lost race; doubled at each further loss in a row, up to `MAX_PAUSE_MS`. */
const FIRST_PAUSE_MS = 4;
const MAX_PAUSE_MS = 250;

/**
 * The pause of a session before it reads the log again after losing the race for its next
 * version, drawn at random up to a ceiling that doubles with each loss in a row ("full jitter"):
 * the nodes that lost together do not try again together, and the updates that arrive meanwhile
 * are merged on what the log holds in one go. The session pauses, not each update: its updates
 * are tried again in the order they came, as a client's sequence numbers require.
 */
export class RaceBackoff {
  private losses = 0;

  constructor(private readonly random: () => number = Math.random) {}

  lost(): void {
    this.losses++;
  }

  /** A commit went through: the next lost race starts from the first pause again. */
  won(): void {
    this.losses = 0;
  }

  pause(): Promise<void> {
    const ceiling = Math.min(MAX_PAUSE_MS, FIRST_PAUSE_MS * 2 ** Math.max(0, this.losses - 1));
    return new Promise((resolve) => setTimeout(resolve, Math.floor(this.random() * ceiling)));
  }
}

interface Waiting<T> {
  arrival: number;
  apply: () => T;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

/**
 * The updates that lost a race, waiting for the session's rollback to apply them again, all in
 * one go on what the log holds and in the order they first came: a client's updates carry
 * increasing sequence numbers, and one applied after a later one would pass for a resend.
 */
export class RetryLine<T> {
  private waiting: Array<Waiting<T>> = [];

  /** Resolves with what `apply` gives once the rollback runs it; rejects with what it throws. */
  wait(arrival: number, apply: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => this.waiting.push({ arrival, apply, resolve, reject }));
  }

  /** Applies every waiting update, oldest arrival first. */
  applyAll(): void {
    const waiting = this.waiting.sort((a, b) => a.arrival - b.arrival);
    this.waiting = [];
    for (const one of waiting) {
      try {
        one.resolve(one.apply());
      } catch (error) {
        one.reject(error);
      }
    }
  }

  /** The rollback failed: none of them can be applied now. */
  failAll(error: unknown): void {
    for (const one of this.waiting.splice(0)) one.reject(error);
  }
}

/** An update that came while the session is rolled back to what is stored, after a failed commit. */
export class RollingBack extends Error {
  constructor(readonly lostRace: boolean) {
    super('the table is being reloaded from storage');
  }
}
