import { StorageError } from '../storage-error';

/** PostgreSQL's SQLSTATE of a pg error (`23505`, `57P01`, ...), if it is one. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** The SQLSTATE behind a StorageError that postgresFailure made (or of a raw pg error). */
export function failedState(error: unknown): string | undefined {
  return sqlState((error as { cause?: unknown } | null)?.cause) ?? sqlState(error);
}

/** The SQLSTATE of a row that a unique key already holds. */
export const UNIQUE_VIOLATION = '23505';

/** Node's codes of a connection that could not be made or was lost, and pg's own words for it. */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);
const CONNECTION_MESSAGES = /connection terminated|connection timeout|terminating connection|server closed the connection|not queryable|Connection ended/i;

/** Whether the server could not be reached, or dropped the connection (class 08, shutdown 57P0x). */
function isConnectionFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
  const state = sqlState(error);
  if (state !== undefined) return state.startsWith('08') || state === '57P01' || state === '57P02' || state === '57P03';
  return error instanceof Error && CONNECTION_MESSAGES.test(error.message);
}

/** pg's error for a query that got no answer within `query_timeout`. */
export function isReadTimeout(error: unknown): error is Error {
  return error instanceof Error && error.message === 'Query read timeout';
}

/** A failed query, as the StorageError that says what happened. */
export function postgresFailure(error: unknown): StorageError {
  if (error instanceof StorageError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  if (isReadTimeout(error)) {
    // a COMMIT may have landed: whoever reads this reloads what is stored rather than assume either way
    return new StorageError('storage-unavailable', 'PostgreSQL did not answer within PG_QUERY_TIMEOUT_MS; what the query wrote may or may not be committed', { cause: error });
  }
  if (isConnectionFailure(error)) {
    return new StorageError('storage-unavailable', `PostgreSQL cannot be reached (${reason}); nothing was written`, { cause: error });
  }
  const state = sqlState(error);
  if (state === '53100') {
    return new StorageError('storage-full', `the disk holding the database is full (${reason}); the write was rolled back`, { cause: error });
  }
  return new StorageError('storage-failed', `the database could not run a query (${state ?? 'error'}: ${reason})`, { cause: error });
}
