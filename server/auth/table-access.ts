import { randomBytes } from 'node:crypto';
import type { Claims } from './tokens';

/** The prefix of a channel's table id (discord/voice-sessions.ts derives the rest). */
export const CHANNEL_TABLE_PREFIX = 'vc-';

/** The characters of a channel's table id after its prefix: a digest's first 27, in base64url. */
export const CHANNEL_DIGEST_LENGTH = 27;

/**
 * A channel's table: joined only with a token that lists it, never by its id alone. Told by its
 * whole shape, not the prefix alone: a standalone table's random id (22 characters) began with
 * the prefix once in 262,144 before new ids were drawn again, and such a table stays joinable.
 */
export function isChannelTable(sessionId: string): boolean {
  return sessionId.length === CHANNEL_TABLE_PREFIX.length + CHANNEL_DIGEST_LENGTH && sessionId.startsWith(CHANNEL_TABLE_PREFIX);
}

/** Whether these claims may join the session: a channel's table only when the token lists it. */
export function mayJoin(claims: Claims, sessionId: string): boolean {
  return !isChannelTable(sessionId) || (claims.sessions?.includes(sessionId) ?? false);
}

/** 128 random bits: a standalone table's id is its invitation, so it must not be guessable. */
const randomTableId = (): string => randomBytes(16).toString('base64url');

/**
 * A new standalone table's id, drawn again when it would start as a channel's does: such an id
 * would read as a channel's to anyone who judges by the prefix (a Discord link, a log search).
 */
export function newTableId(draw: () => string = randomTableId): string {
  for (;;) {
    const id = draw();
    if (!id.startsWith(CHANNEL_TABLE_PREFIX)) return id;
  }
}
