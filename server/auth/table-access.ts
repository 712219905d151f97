import type { Claims } from './tokens';

/** The prefix of a channel's table id (discord/voice-sessions.ts derives the rest). */
export const CHANNEL_TABLE_PREFIX = 'vc-';

/** A channel's table: joined only with a token that lists it, never by its id alone. */
export function isChannelTable(sessionId: string): boolean {
  return sessionId.startsWith(CHANNEL_TABLE_PREFIX);
}

/** Whether these claims may join the session: a channel's table only when the token lists it. */
export function mayJoin(claims: Claims, sessionId: string): boolean {
  return !isChannelTable(sessionId) || (claims.sessions?.includes(sessionId) ?? false);
}
