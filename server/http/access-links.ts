import { createHmac, timingSafeEqual } from 'node:crypto';

export interface LinkTarget {
  userId: string;
  sessionId: string;
  /** What of the session the link opens: a PDF's id, or TABLE_FILE_RESOURCE. */
  resource: string;
}

/** The table's export: a PDF's id is a SHA-256 in hex, so this can never name a PDF. */
export const TABLE_FILE_RESOURCE = 'table-file';

/**
 * Short-lived `?access=` tokens for reading one PDF of one session, or its export, for readers
 * that cannot send an Authorization header (a browser's own PDF viewer, a download by a plain
 * link). A cookie would not do: the activity runs in Discord's iframe, where third-party cookies
 * are blocked. The token names the user and expiry; the tag also binds the session and the
 * resource, so it opens nothing else, and its key is derived apart from the bearer tokens' so it
 * can never pass for one.
 */
export class AccessLinks {
  private readonly key: Buffer;

  constructor(
    secret: string,
    private readonly lifetimeMs: number,
  ) {
    this.key = createHmac('sha256', secret).update('gamebook-studio pdf access links').digest();
  }

  issue(target: LinkTarget, now = Date.now()): { access: string; expiresAt: number } {
    const expiresAt = now + this.lifetimeMs;
    const user = Buffer.from(target.userId).toString('base64url');
    return { access: `${expiresAt}.${user}.${this.tag(target, expiresAt)}`, expiresAt };
  }

  /** The user a genuine, unexpired token for this session and resource was issued to; else null. */
  verify(access: string, target: Omit<LinkTarget, 'userId'>, now = Date.now()): string | null {
    const [expiry, user, tag, extra] = access.split('.');
    if (!expiry || !user || !tag || extra !== undefined || !/^\d+$/.test(expiry)) return null;
    const expiresAt = Number(expiry);
    if (expiresAt <= now) return null;
    const userId = Buffer.from(user, 'base64url').toString('utf8');
    const expected = Buffer.from(this.tag({ ...target, userId }, expiresAt));
    const given = Buffer.from(tag);
    return expected.length === given.length && timingSafeEqual(expected, given) ? userId : null;
  }

  private tag(target: LinkTarget, expiresAt: number): string {
    const message = JSON.stringify([target.userId, target.sessionId, target.resource, expiresAt]);
    return createHmac('sha256', this.key).update(message).digest('base64url');
  }
}
