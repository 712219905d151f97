import { RateLimiter } from './rate-limiter';

export interface Rate {
  perSecond: number;
  burst: number;
}

/**
 * The counters behind the per-user and per-address limits. In memory they hold for one node; a
 * cluster needs them shared (Redis), which is why the limits use nothing else.
 */
export interface LimitCounters {
  /** Takes one from the token bucket `key` (made full at `rate` when new); false when it is empty. */
  take(key: string, rate: Rate): boolean;
  /** Holds one of at most `max` slots of `key`: the release, or null when every slot is held. */
  hold(key: string, max: number): (() => void) | null;
}

const SWEEP_EVERY_MS = 60_000;

/** The counters of one process. Buckets that refilled are forgotten, so memory follows recent use. */
export class MemoryLimitCounters implements LimitCounters {
  private readonly buckets = new Map<string, RateLimiter>();
  private readonly held = new Map<string, number>();
  private lastSweep: number;

  constructor(private readonly now: () => number = () => performance.now()) {
    this.lastSweep = now();
  }

  take(key: string, rate: Rate): boolean {
    this.sweepIfDue();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new RateLimiter(rate.perSecond, rate.burst, this.now);
      this.buckets.set(key, bucket);
    }
    return bucket.tryTake();
  }

  hold(key: string, max: number): (() => void) | null {
    const count = this.held.get(key) ?? 0;
    if (count >= max) return null;
    this.held.set(key, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.held.get(key) ?? 1) - 1;
      if (left > 0) this.held.set(key, left);
      else this.held.delete(key);
    };
  }

  private sweepIfDue(): void {
    if (this.now() - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = this.now();
    for (const [key, bucket] of this.buckets) if (bucket.isFull()) this.buckets.delete(key);
  }
}
