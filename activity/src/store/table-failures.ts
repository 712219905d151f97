import { TableError } from '../sync/table-error';

/* How the store words and sorts the failures of a join or a sign-in. */

export const TABLE_CLOSED = 'This table was closed from Discord. /table start opens it again.';

/** What a player inside Discord reads when the sign-in fails, by the server's error code. */
export function discordFailure(error: unknown): string {
  if (error instanceof TableError && error.code === 'discord-unavailable') return 'Discord is not answering us right now. Try again in a moment.';
  if (error instanceof TableError && error.code === 'not-in-instance') return error.message;
  return `Discord sign-in failed: ${error instanceof Error ? error.message : 'something went wrong'}`;
}

/** The server refused who the player is (token expired, altered, or not for this table). */
export const isRefusal = (error: unknown) => error instanceof TableError && (error.code === 'unauthorized' || error.code === 'forbidden');

export const messageOf = (error: unknown) => (error instanceof Error ? error.message : 'something went wrong');
