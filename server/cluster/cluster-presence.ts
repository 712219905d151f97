import { z } from 'zod';
import type { Logger } from '../logger';
import type { PresenceDirectory, PresentUser } from '../transport/presence';
import type { AnsweringRedis, RedisClient } from './redis-feed';

/** A node that has not said it is alive for this long is gone (killed): its users no longer count. */
const NODE_TTL_SECONDS = 15;
const HEARTBEAT_MS = 5000;
/** A table's presence outlives a whole cluster that stopped at once, not longer. */
const PRESENCE_TTL_SECONDS = 24 * 60 * 60;

const usersSchema = z.array(z.object({ id: z.string(), name: z.string() }));

/**
 * Who is at each table on every node, in Redis: a hash per table, one field per node holding its
 * users there. A node killed before it could clear its field stops counting once its heartbeat
 * key expires. Redis down: a node knows its own users only.
 */
export class ClusterPresence implements PresenceDirectory {
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly redis: AnsweringRedis,
    private readonly prefix: string,
    private readonly node: string,
    private readonly logger: Logger,
  ) {}

  /** Says this node is alive now and every few seconds. */
  start(): void {
    const beat = () => void this.redis.answered((redis) => redis.set(this.nodeKey(this.node), '1', { EX: NODE_TTL_SECONDS })).catch(() => undefined);
    beat();
    this.timer = setInterval(beat, HEARTBEAT_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.redis.answered((redis) => redis.del(this.nodeKey(this.node))).catch(() => undefined);
  }

  async gather(sessionId: string, here: PresentUser[]): Promise<PresentUser[]> {
    const key = `${this.prefix}presence:${sessionId}`;
    try {
      const elsewhere = await this.redis.answered(async (redis) => {
        if (here.length > 0) {
          await redis.hSet(key, this.node, JSON.stringify(here));
          await redis.expire(key, PRESENCE_TTL_SECONDS);
        } else {
          await redis.hDel(key, this.node);
        }
        return this.elsewhere(redis, key);
      });
      return [...here, ...elsewhere];
    } catch (error) {
      this.logger.debug({ err: error, sessionId }, 'presence: Redis does not answer, only this node is counted');
      return here;
    }
  }

  /** The users of the other live nodes at the table. */
  private async elsewhere(redis: RedisClient, key: string): Promise<PresentUser[]> {
    const fields = Object.entries(await redis.hGetAll(key)).filter(([node]) => node !== this.node);
    if (fields.length === 0) return [];
    const alive = await redis.mGet(fields.map(([node]) => this.nodeKey(node)));
    return fields.flatMap(([, users], i) => {
      const parsed = alive[i] === null ? undefined : usersSchema.safeParse(safeJson(users));
      return parsed?.success ? parsed.data : [];
    });
  }

  private nodeKey(node: string): string {
    return `${this.prefix}node:${node}`;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
