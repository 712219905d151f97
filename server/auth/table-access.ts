import { randomBytes } from 'node:crypto';
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

/** 128 random bits: a standalone table's id is its invitation, so it must not be guessable. */
const randomTableId = (): string => randomBytes(16).toString('base64url');

/**
 * A new standalone table's id, drawn again when it would start as a channel's does: one table in
 * 262,144 got such an id, and then nobody could join it, its host included (a crowd bench met one).
 */
export function newTableId(draw: () => string = randomTableId): string {
  for (;;) {
    const id = draw();
    if (!isChannelTable(id)) return id;
  }
}
