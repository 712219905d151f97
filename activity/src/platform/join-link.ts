import { z } from 'zod';
import { postApi } from './api-request';

const joinLinkSchema = z.object({
  url: z.string().url(),
  /** Epoch milliseconds; null for a table whose link does not expire (an open browser table). */
  expiresAt: z.number().nullable(),
});

export type JoinLink = z.infer<typeof joinLinkSchema>;

/** A link may still be handed out if it stays valid for at least this long after being copied. */
const FRESH_FOR_MS = 10 * 60_000;

/**
 * POST /api/tables/:sessionId/join-link: a link a plain browser can open to join this table (a
 * signed join link for a channel's table, `/t/<id>` for an open one). Any player at the table may ask.
 */
export function fetchJoinLink(sessionId: string, token: string): Promise<JoinLink> {
  return postApi(`/api/tables/${encodeURIComponent(sessionId)}/join-link`, {}, joinLinkSchema, 'the join link', token);
}

export function isFresh(link: JoinLink, now: number): boolean {
  return link.expiresAt === null || link.expiresAt - now > FRESH_FOR_MS;
}
