import type { AnsweringRedis } from './redis-feed';

/** As long as an unused table is kept by default (SESSION_TTL_DAYS). */
const MEMBERS_TTL_SECONDS = 30 * 24 * 60 * 60;

/**
 * Who joined each table, on any node, in Redis: a node that loads a table later (a PDF read
 * through the load balancer) lets them read its PDFs too.
 */
export class SharedMembers {
  constructor(
    private readonly redis: AnsweringRedis,
    private readonly prefix: string,
  ) {}

  async add(sessionId: string, userId: string): Promise<void> {
    const key = this.keyOf(sessionId);
    await this.redis.answered(async (redis) => {
      await redis.sAdd(key, userId);
      await redis.expire(key, MEMBERS_TTL_SECONDS);
    });
  }

  of(sessionId: string): Promise<string[]> {
    return this.redis.answered((redis) => redis.sMembers(this.keyOf(sessionId)));
  }

  private keyOf(sessionId: string): string {
    return `${this.prefix}members:${sessionId}`;
  }
}
