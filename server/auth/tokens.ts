import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { tryParseJson } from '../../shared/json';

const claimsSchema = z.object({
  sub: z.string().min(1),
  name: z.string(),
  kind: z.enum(['guest', 'discord']),
  /** Sessions tied to a voice channel that this identity may join (Discord, join links). */
  sessions: z.array(z.string()).optional(),
  iat: z.number(),
  exp: z.number(),
});

export type Claims = z.infer<typeof claimsSchema>;
export type NewClaims = Omit<Claims, 'iat' | 'exp'>;
/** Claims before a token is issued for them (kept elsewhere, as a link code's, and read back). */
export const newClaimsSchema = claimsSchema.omit({ iat: true, exp: true });

const DAY_MS = 24 * 60 * 60 * 1000;

/** Issues and checks the server's bearer tokens: base64url JSON claims with an HMAC-SHA256 tag. */
export class TokenService {
  constructor(
    private readonly secret: string,
    private readonly lifetimeMs = 30 * DAY_MS,
  ) {}

  issue(claims: NewClaims, now = Date.now()): string {
    const body = Buffer.from(JSON.stringify({ ...claims, iat: now, exp: now + this.lifetimeMs })).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  /** The claims of a genuine, unexpired token; null for anything else. */
  verify(token: unknown, now = Date.now()): Claims | null {
    if (typeof token !== 'string' || token.length > 4096) return null;
    const [body, tag, extra] = token.split('.');
    if (!body || !tag || extra !== undefined || !this.tagMatches(body, tag)) return null;
    const parsed = claimsSchema.safeParse(tryParseJson(Buffer.from(body, 'base64url').toString('utf8')));
    if (!parsed.success || parsed.data.exp <= now) return null;
    return parsed.data;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }

  private tagMatches(body: string, tag: string): boolean {
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(tag);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
