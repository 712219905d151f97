import type { Readable } from 'node:stream';

/** The bytes of one PDF, stored whole and checked. */
export interface SavedPdf {
  sha256: string;
  size: number;
  /**
   * The bytes are kept from collection until this is called: call it once the record naming
   * them is committed, or has failed. Calling it again does nothing.
   */
  release(): void;
}

/**
 * Where the bytes of PDFs live, by their SHA-256: the same book in two sessions is stored once.
 * Files in DATA_DIR (PdfFiles), or rows of the database (PostgresPdfBytes) so nodes share them.
 */
export interface PdfBytes {
  /** Readies the store and removes what an upload cut off by a crash left. */
  init(): Promise<void>;
  /** Stores `source` whole, refusing it unless it starts as a PDF; a failed save leaves nothing. */
  save(source: Readable): Promise<SavedPdf>;
  /** Bytes `start` to `end` (inclusive) of a stored PDF, streamed. */
  read(sha256: string, start: number, end: number): Readable;
  /** Deletes the bytes no PDF record names and no upload holds; returns their SHA-256s. */
  removeUnreferenced(): Promise<string[]>;
}

/** Which PDFs the records of a process name, known without waiting (SQLite and memory PDF stores). */
export interface PdfReferences {
  /**
   * Whether any session's committed record names this file. Synchronous on purpose: the file
   * collector checks it and deletes the file in one turn, so no record can be committed between.
   */
  isReferenced(sha256: string): boolean;
}
