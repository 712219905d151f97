import type { Logger } from '../logger';
import type { SessionRegistry } from './session-registry';
import type { SessionDependent } from '../storage/session-dependent';
import type { SessionStore } from '../storage/session-store';

export interface HousekeepingOptions {
  /** A session nobody is joined to leaves memory after this long without use. */
  idleMs: number;
  /** A session unused for this long is removed for good, with its dependents' data. */
  ttlMs: number;
  /** How often the sweep runs. */
  everyMs: number;
}

export interface SweepResult {
  evicted: string[];
  expired: string[];
}

/** Keeps memory and disk bounded: evicts idle sessions from memory, removes expired ones. */
export class Housekeeping {
  private timer: ReturnType<typeof setInterval> | undefined;
  private sweeping: Promise<SweepResult> | undefined;

  constructor(
    private readonly registry: SessionRegistry,
    private readonly store: SessionStore,
    private readonly dependents: readonly SessionDependent[],
    private readonly options: HousekeepingOptions,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Sweeps now, then every `everyMs`; failures are logged and the next sweep tries again. */
  start(): void {
    const run = () => {
      this.sweep().catch((error: unknown) => this.logger.error({ err: error }, 'housekeeping sweep failed'));
    };
    run();
    this.timer = setInterval(run, this.options.everyMs);
    // the sweep alone never keeps the process alive
    this.timer.unref();
  }

  /** Stops the timer and waits for a sweep under way. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping?.catch(() => undefined);
  }

  /** One sweep; a sweep already under way is joined rather than run twice at once. */
  sweep(): Promise<SweepResult> {
    this.sweeping ??= this.sweepOnce().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async sweepOnce(): Promise<SweepResult> {
    const evicted = this.registry.evictIdle(this.options.idleMs);
    const expired = await this.expire();
    if (evicted.length > 0 || expired.length > 0) {
      this.logger.info({ evicted: evicted.length, expired: expired.length }, 'housekeeping: sessions let go');
    }
    return { evicted, expired };
  }

  private async expire(): Promise<string[]> {
    // sessions in memory are in use, whatever their last write says
    const expired = await this.store.removeUnusedSince(this.now() - this.options.ttlMs, this.registry.loadedIds());
    if (expired.length === 0) return expired;
    for (const dependent of this.dependents) {
      try {
        await dependent.removeSessions(expired);
      } catch (error) {
        // the sessions are gone already: the dependent collects what is left at its next start
        this.logger.error({ err: error, dependent: dependent.name, sessions: expired }, 'could not remove data of expired sessions');
      }
    }
    return expired;
  }
}
