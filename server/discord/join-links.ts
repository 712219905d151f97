import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed, expiring invitations to one session (a voice channel's table, opened from a browser):
 * `<expiry>.<session>.<tag>`. The key is derived apart from the bearer tokens' and the PDF links',
 * so an invitation never passes for either.
 */
export class JoinLinks {
  private readonly key: Buffer;

  constructor(
    secret: string,
    private readonly lifetimeMs: number,
    private readonly publicUrl: string,
  ) {
    this.key = createHmac('sha256', secret).update('gamebook-studio join links').digest();
  }

  invite(sessionId: string, now = Date.now()): { invite: string; url: string; expiresAt: number } {
    const expiresAt = now + this.lifetimeMs;
    const session = Buffer.from(sessionId).toString('base64url');
    const invite = `${expiresAt}.${session}.${this.tag(sessionId, expiresAt)}`;
    return { invite, url: `${this.publicUrl}/join/${invite}`, expiresAt };
  }

  /** The session of a genuine, unexpired invitation; else null. */
  verify(invite: string, now = Date.now()): string | null {
    const [expiry, session, tag, extra] = invite.split('.');
    if (!expiry || !session || !tag || extra !== undefined || !/^\d{1,16}$/.test(expiry)) return null;
    const expiresAt = Number(expiry);
    if (expiresAt <= now) return null;
    const sessionId = Buffer.from(session, 'base64url').toString('utf8');
    const expected = Buffer.from(this.tag(sessionId, expiresAt));
    const given = Buffer.from(tag);
    return expected.length === given.length && timingSafeEqual(expected, given) ? sessionId : null;
  }

  private tag(sessionId: string, expiresAt: number): string {
    return createHmac('sha256', this.key).update(JSON.stringify([sessionId, expiresAt])).digest('base64url');
  }
}
