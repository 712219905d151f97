/**
 * Stable codes of storage failures. They stay inside the server (logs, start-up errors, tests);
 * a client whose write failed is told `internal` with "nothing was changed".
 */
export type StorageErrorCode =
  /** The database file exists but is not a readable, intact SQLite database. */
  | 'storage-corrupt'
  /** The database file or its folder cannot be opened (permissions, missing mount, ...), or PostgreSQL cannot be reached. */
  | 'storage-unavailable'
  /** The database was written by a newer version of the server, with migrations this one lacks. */
  | 'storage-too-new'
  /** The disk (or STORAGE_MAX_BYTES) is full: the write was rolled back. */
  | 'storage-full'
  /** The store is closed: the server is stopping. */
  | 'storage-closed'
  /**
   * Another writer appended this version of the session first: the log keeps exactly one history,
   * so the append was refused. The writer reads what it missed and merges again.
   */
  | 'version-taken'
  /**
   * Another writer stored this revision of the page's layers first (or the page is not at the
   * revision before it), or a game master document as new as the one written: the write was
   * refused. The writer reads what is stored and merges again.
   */
  | 'revision-taken'
  /**
   * The page belongs to a book removed from its session (and not added again): the write was
   * refused. Another node may have removed it a moment ago, its message still on its way.
   */
  | 'pdf-removed'
  /** Any other failed write; the message carries the database's own. */
  | 'storage-failed';

export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StorageError';
  }
}

/** SQLite's result code of a better-sqlite3 error (`SQLITE_FULL`, ...), if it is one. */
export function sqliteCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/** A failed write, as the StorageError that says what happened. */
export function writeFailure(error: unknown): StorageError {
  if (error instanceof StorageError) return error;
  const code = sqliteCode(error);
  const reason = error instanceof Error ? error.message : String(error);
  if (code === 'SQLITE_FULL') {
    return new StorageError('storage-full', `the disk holding the database is full (${reason}); the write was rolled back`, { cause: error });
  }
  return new StorageError('storage-failed', `the database could not commit a write (${code ?? 'error'}: ${reason})`, { cause: error });
}

/** The error every store gives for an append another writer made first: one contract for every engine. */
export function versionTaken(sessionId: string, version: number, cause?: unknown): StorageError {
  return new StorageError('version-taken', `version ${version} of session ${sessionId} was appended by another writer first`, { cause });
}

/** True for a write refused because another writer stored that revision (of a page, of the GM document) first. */
export function isRevisionTaken(error: unknown): boolean {
  return error instanceof StorageError && error.code === 'revision-taken';
}

/** The error every role store gives for a game master document revision another writer stored first. */
export function gmRevisionTaken(sessionId: string, revision: number): StorageError {
  return new StorageError('revision-taken', `revision ${revision} of the game master document of session ${sessionId} was stored by another writer first`);
}

/** The error every layer store gives for a page revision another writer stored first. */
export function revisionTaken(sessionId: string, page: { pdfId: string; pageNum: number; revision: number }): StorageError {
  return new StorageError(
    'revision-taken',
    `revision ${page.revision} of page ${page.pageNum} of ${page.pdfId} in session ${sessionId} was stored by another writer first`,
  );
}

/** The error every layer store gives for a page of a book removed from the session. */
export function pdfRemoved(sessionId: string, pdfId: string): StorageError {
  return new StorageError('pdf-removed', `${pdfId} was removed from session ${sessionId}: its pages take no layers`);
}

/** True for a page write refused because its book was removed from the session. */
export function isPdfRemoved(error: unknown): boolean {
  return error instanceof StorageError && error.code === 'pdf-removed';
}
