import { TableError } from '../sync/table-error';

/**
 * What a player reads when the link they opened leads nowhere: it stays on screen, with the
 * address unchanged, until they choose something else.
 */
export function linkProblemText(error: unknown): string {
  const code = error instanceof TableError ? error.code : 'internal';
  switch (code) {
    case 'unknown-session':
      return 'There is no table at this link. It may have been mistyped, or the table was removed after a long time unused. Ask the host for a new link, or create a table.';
    case 'forbidden':
      return 'This table belongs to a Discord voice channel: open it from Discord, or ask there for a join link.';
    default:
      return unreachable(error) ?? `This link could not be opened: ${messageOf(error)}.`;
  }
}

/** The same for a bot's join link (`/join/…`): the server says why (expired, altered), and the way out. */
export function inviteProblemText(error: unknown): string {
  return unreachable(error) ?? `This join link cannot be used: ${messageOf(error)}. Ask the host, or /table link in Discord, for a new one.`;
}

function unreachable(error: unknown): string | undefined {
  const code = error instanceof TableError ? error.code : undefined;
  if (code !== 'network' && code !== 'timeout') return undefined;
  return 'The server could not be reached to open this link. Check your connection, then try again.';
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : 'something went wrong');
