import type { StaffClock } from '../sessions/staff-clock';
import type { AnsweringRedis } from './redis-feed';

/** As long as an unused table is kept by default (SESSION_TTL_DAYS); a clock gone with it counts from the next load. */
const SEEN_TTL_SECONDS = 30 * 24 * 60 * 60;

/**
 * The staff clock of every table in Redis, one key per table holding the time (ms) its host or
 * a game master was last seen by any node. It lives in Redis, not PostgreSQL: it only matters
 * while the table is played, and a cluster restarted whole counts from the first load again, as
 * a single node counts from its start. Redis down: each node counts from what it saw itself.
 */
export class SharedStaffClock implements StaffClock {
  constructor(
    private readonly redis: AnsweringRedis,
    private readonly prefix: string,
  ) {}

  seen(sessionId: string, at: number): void {
    this.redis.answered((redis) => redis.set(this.keyOf(sessionId), String(at), { EX: SEEN_TTL_SECONDS })).catch(() => undefined);
  }

  /** A node loaded the table at `at`: when no node saw the staff yet, the clock starts there. */
  async loaded(sessionId: string, at: number): Promise<void> {
    await this.redis.answered((redis) => redis.set(this.keyOf(sessionId), String(at), { EX: SEEN_TTL_SECONDS, NX: true }));
  }

  async lastSeen(sessionId: string): Promise<number | undefined> {
    const stored = await this.redis.answered((redis) => redis.get(this.keyOf(sessionId))).catch(() => null);
    const at = Number(stored);
    return stored !== null && Number.isFinite(at) ? at : undefined;
  }

  private keyOf(sessionId: string): string {
    return `${this.prefix}staff-seen:${sessionId}`;
  }
}
