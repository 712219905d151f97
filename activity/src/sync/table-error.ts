import { isErrorCode, type ErrorCode } from '../../../shared/errors';

/** What can go wrong for the activity: the server's stable codes, plus the network's own. */
export type TableErrorCode = ErrorCode | 'timeout' | 'network';

export class TableError extends Error {
  constructor(
    readonly code: TableErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TableError';
  }
}

/** A TableError from an `{ error: { code, message } }` body of the server, whatever its shape. */
export function tableErrorFrom(body: unknown, fallback: string): TableError {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  const code = isErrorCode(error?.code) ? error.code : 'internal';
  return new TableError(code, typeof error?.message === 'string' ? error.message : fallback);
}
