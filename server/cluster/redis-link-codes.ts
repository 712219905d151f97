import { ProtocolError } from '../../shared/errors';
import { tryParseJson } from '../../shared/json';
import { newLinkCode, normalizedLinkCode, type LinkCodeStore } from '../auth/link-codes';
import { newClaimsSchema, type NewClaims } from '../auth/tokens';
import type { AnsweringRedis, RedisClient } from './redis-feed';

/**
 * The link codes of a cluster, in Redis: a code issued through one node is redeemed through any
 * other. Each code is a key that expires with it (Redis forgets it, no sweep), taken with GETDEL
 * so two nodes redeeming one code at once cannot both get it; a second key per identity names
 * its live code, so a new one replaces it.
 */
export class RedisLinkCodes implements LinkCodeStore {
  constructor(
    private readonly redis: AnsweringRedis,
    private readonly prefix: string,
    private readonly lifetimeMs: number,
  ) {}

  async issue(claims: NewClaims): Promise<{ code: string; expiresAt: number }> {
    const code = newLinkCode();
    const expiresAt = Date.now() + this.lifetimeMs;
    await this.reached(async (redis) => {
      const previous = await redis.set(this.identityKey(claims.sub), code, { PX: this.lifetimeMs, GET: true });
      if (previous) await redis.del(this.codeKey(previous));
      await redis.set(this.codeKey(code), JSON.stringify(claims), { PX: this.lifetimeMs });
    });
    return { code, expiresAt };
  }

  async redeem(code: string): Promise<NewClaims | null> {
    const held = await this.reached((redis) => redis.getDel(this.codeKey(normalizedLinkCode(code))));
    if (held === null) return null;
    // another node wrote it, and is trusted no more than a client
    const parsed = newClaimsSchema.safeParse(tryParseJson(held));
    return parsed.success ? parsed.data : null;
  }

  private async reached<T>(command: (redis: RedisClient) => Promise<T>): Promise<T> {
    try {
      return await this.redis.answered(command);
    } catch {
      throw new ProtocolError('internal', 'device links are not available right now: try again in a moment');
    }
  }

  private codeKey(code: string): string {
    return `${this.prefix}link-code:${code}`;
  }

  private identityKey(sub: string): string {
    return `${this.prefix}link-code-of:${sub}`;
  }
}
