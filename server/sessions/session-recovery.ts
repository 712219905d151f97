import type { Logger } from 'pino';
import { ProtocolError } from '../../shared/errors';
import { lostTheRace } from './commit-chain';
import { RACE_RETRY_MS, RaceBackoff, RetryLine, RollingBack } from './race-retry';

/** One application of an update in memory: what its sender gets once `committed` resolves. */
export interface Attempt<R> {
  result: R;
  committed: Promise<void>;
}

/** What the recovery reaches of its session. */
export interface Recoverable {
  readonly id: string;
  /** The session's commits: whether the chain broke, whether another node took the version, and its restart. */
  readonly commits: { readonly broken: boolean; readonly lostRace: boolean; restart(): void };
  exclusive<T>(task: () => T | Promise<T>): Promise<T>;
  /** Takes what the store holds of the session, whole. */
  reloadFromStore(): Promise<void>;
}

/**
 * A session's way back after a failed commit: the state its members were sent went further than
 * the store, so the session takes what is stored again. An update that lost the race for its
 * version to another node waits for that and is merged again on what the other node appended, in
 * the order the updates came, for up to RACE_RETRY_MS (rule G6).
 */
export class SessionRecovery<R> {
  private underway: Promise<void> | undefined;
  private readonly races = new RaceBackoff();
  /** Updates that lost a race, applied again by the rollback under way; numbered in the order they came. */
  private readonly retries = new RetryLine<Attempt<R>>();

  constructor(
    private readonly session: Recoverable,
    private readonly logger: Logger,
  ) {}

  /** True while the session is being rolled back to what is stored. */
  get active(): boolean {
    return this.underway !== undefined;
  }

  /** Resolves once the rollback under way, if any, has ended. */
  async ended(): Promise<void> {
    await this.underway;
  }

  /** A commit went through: another node's race, if any, is over. */
  committed(): void {
    this.races.won();
  }

  /** A commit failed or lost the race for its version: the session is rolled back in its turn. */
  failed(error: unknown): void {
    if (lostTheRace(error)) this.races.lost();
    this.start();
  }

  /** Refuses an update while the session is not what the store holds, and tries the reload again if the last try failed. */
  requireIntact(): void {
    if (!this.session.commits.broken) return;
    this.start();
    throw new RollingBack(this.session.commits.lostRace);
  }

  /**
   * Waits for `attempt` and its commit, and applies the update again while it loses races to
   * other nodes, for up to RACE_RETRY_MS from here (rule G6).
   */
  async untilCommitted(attempt: Promise<Attempt<R>>, arrival: number, apply: () => Attempt<R>): Promise<R> {
    const deadline = Date.now() + RACE_RETRY_MS;
    for (;;) {
      let applied: Attempt<R>;
      try {
        applied = await attempt;
      } catch (error) {
        if (!(error instanceof RollingBack)) throw error;
        // the table is taking what another node appended: the update is merged onto that (rule G6)
        if (error.lostRace && Date.now() < deadline) {
          attempt = this.retry(arrival, apply);
          continue;
        }
        throw new ProtocolError('internal', 'the table is being reloaded from storage: send the update again');
      }
      try {
        await applied.committed;
        return applied.result;
      } catch (error) {
        // another node took the version: merged again from its base on what that node appended (rule G6)
        if (lostTheRace(error) && Date.now() < deadline) {
          attempt = this.retry(arrival, apply);
          continue;
        }
        // rolled back to what is stored before the sender hears of it: its resend finds that state
        await this.underway;
        throw new ProtocolError('internal', 'the update could not be stored; nothing was changed');
      }
    }
  }

  private start(): void {
    this.underway ??= this.session.exclusive(() => this.rollBack());
  }

  /** Applied again by the rollback under way, in the order the updates came; in the session's turn when none is. */
  private retry(arrival: number, apply: () => Attempt<R>): Promise<Attempt<R>> {
    return this.underway ? this.retries.wait(arrival, apply) : this.session.exclusive(apply);
  }

  private async rollBack(): Promise<void> {
    try {
      // another node is appending to this table: let it, and merge what came meanwhile on what it stored
      if (this.session.commits.lostRace) await this.races.pause();
      await this.session.reloadFromStore();
      this.session.commits.restart();
      this.retries.applyAll();
    } catch (error) {
      // the chain stays broken: the next update tries again (the store may be back by then)
      this.logger.error({ err: error, sessionId: this.session.id }, 'could not roll a session back to what is stored');
      this.retries.failAll(new RollingBack(false));
    } finally {
      this.underway = undefined;
    }
  }
}
