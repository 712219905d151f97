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
    case 'unauthorized':
      return 'This join link has expired or is not valid any more. Ask the host (or /table link in Discord) for a new one.';
    case 'forbidden':
      return 'This table belongs to a Discord voice channel: open it from Discord, or ask there for a join link.';
    case 'network':
    case 'timeout':
      return 'The server could not be reached to open this link. Check your connection, then try again.';
    default:
      return `This link could not be opened: ${error instanceof Error ? error.message : 'something went wrong'}.`;
  }
}
