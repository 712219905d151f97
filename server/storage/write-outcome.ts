import { StorageError, writeFailure, type StorageErrorCode } from './storage-error';

/**
 * What one write of a batch came to, as plain data: it crosses from the SQLite writer thread
 * (where an Error would lose its code), and a batch of PostgreSQL appends settles each with its own.
 */
export type Outcome = { ok: true; value: unknown } | { ok: false; error: { code: StorageErrorCode; message: string } };

export function failed(error: unknown): Outcome {
  const failure = writeFailure(error);
  return { ok: false, error: { code: failure.code, message: failure.message } };
}

/** The typed error of a failed outcome, where the write was asked for. */
export function outcomeError(outcome: Extract<Outcome, { ok: false }>): StorageError {
  return new StorageError(outcome.error.code, outcome.error.message);
}
