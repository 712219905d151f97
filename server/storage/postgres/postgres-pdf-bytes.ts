import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PdfBytes, SavedPdf } from '../pdf-bytes';
import { PdfInspector } from '../pdf-inspector';
import { StorageError } from '../storage-error';
import type { PostgresDatabase, Query } from './database';
import { failedState, UNIQUE_VIOLATION } from './postgres-errors';

export interface PdfBytesOptions {
  /** Bytes per row of pdf_chunks: a range read fetches only the rows it overlaps. */
  chunkBytes: number;
  /**
   * Unnamed bytes younger than this are spared by collection: an upload stores its bytes, then
   * (on whichever node) its record; an upload still unfinished after it is taken as abandoned.
   */
  graceMs: number;
}

/** Rows fetched per query while streaming: a few MiB in memory at most, whatever the book's size. */
const CHUNKS_PER_QUERY = 8;

/**
 * PDF bytes in the database, so that any node serves any book and a node keeps nothing on disk:
 * one `pdf_blobs` row per content (by SHA-256) and its bytes in `pdf_chunks` rows of
 * `chunkBytes`. An upload writes its chunks under a blob row without a SHA-256, names it once
 * whole and checked (or, if the same content is already stored, drops its own copy), so a
 * failed upload is never served and collection removes what a crash left.
 */
export class PostgresPdfBytes implements PdfBytes {
  constructor(
    private readonly db: PostgresDatabase,
    private readonly options: PdfBytesOptions,
  ) {}

  async init(): Promise<void> {
    // nothing to prepare: abandoned uploads are rows that removeUnreferenced collects
  }

  async save(source: Readable): Promise<SavedPdf> {
    const { rows } = await this.db.query('INSERT INTO pdf_blobs (chunk_bytes, stored_at) VALUES ($1, $2) RETURNING id', [
      this.options.chunkBytes,
      Date.now(),
    ]);
    const blobId = (rows[0] as { id: number }).id;
    const inspector = new PdfInspector();
    try {
      await pipeline(source, inspector, (chunks: AsyncIterable<Buffer>) => this.writeChunks(blobId, chunks));
      const sha256 = inspector.sha256();
      await this.name(blobId, sha256, inspector.size);
      // the grace period holds the bytes until the record is committed, on this node or another
      return { sha256, size: inspector.size, release: () => undefined };
    } catch (error) {
      await this.db.query('DELETE FROM pdf_blobs WHERE id = $1', [blobId]).catch(() => undefined);
      throw error;
    }
  }

  read(sha256: string, start: number, end: number): Readable {
    return Readable.from(this.chunksOf(sha256, start, end));
  }

  async removeUnreferenced(): Promise<string[]> {
    const { rows } = await this.db.query(
      `DELETE FROM pdf_blobs b WHERE stored_at <= $1
         AND (sha256 IS NULL OR NOT EXISTS (SELECT 1 FROM pdfs p WHERE p.sha256 = b.sha256))
       RETURNING sha256`,
      [Date.now() - this.options.graceMs],
    );
    return (rows as Array<{ sha256: string | null }>).flatMap((row) => (row.sha256 === null ? [] : [row.sha256]));
  }

  /** Cuts the stream into rows of exactly chunkBytes (the last one shorter): offsets map to rows. */
  private async writeChunks(blobId: number, chunks: AsyncIterable<Buffer>): Promise<void> {
    const size = this.options.chunkBytes;
    let pending: Buffer = Buffer.alloc(0);
    let idx = 0;
    const insert = (data: Buffer) => this.db.query('INSERT INTO pdf_chunks (blob_id, idx, data) VALUES ($1, $2, $3)', [blobId, idx++, data]);
    for await (const chunk of chunks) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      while (pending.length >= size) {
        await insert(pending.subarray(0, size));
        pending = pending.subarray(size);
      }
    }
    if (pending.length > 0) await insert(pending);
  }

  /** Gives the whole upload its SHA-256, unless that content is stored already. */
  private async name(blobId: number, sha256: string, size: number): Promise<void> {
    try {
      await this.db.transaction((query) => this.nameOrDrop(query, blobId, sha256, size));
    } catch (error) {
      // the same book finished uploading on another connection meanwhile: now it is found
      if (failedState(error) !== UNIQUE_VIOLATION) throw error;
      await this.db.transaction((query) => this.nameOrDrop(query, blobId, sha256, size));
    }
  }

  private async nameOrDrop(query: Query, blobId: number, sha256: string, size: number): Promise<void> {
    const now = Date.now();
    // stored already: its grace starts again, for the record about to name it
    const existing = await query('UPDATE pdf_blobs SET stored_at = $2 WHERE sha256 = $1', [sha256, now]);
    if ((existing.rowCount ?? 0) > 0) await query('DELETE FROM pdf_blobs WHERE id = $1', [blobId]);
    else await query('UPDATE pdf_blobs SET sha256 = $2, size = $3, stored_at = $4 WHERE id = $1', [blobId, sha256, size, now]);
  }

  private async *chunksOf(sha256: string, start: number, end: number): AsyncGenerator<Buffer> {
    const { rows } = await this.db.query('SELECT id, chunk_bytes FROM pdf_blobs WHERE sha256 = $1', [sha256]);
    const blob = rows[0] as { id: number; chunk_bytes: number } | undefined;
    if (!blob) throw new StorageError('storage-failed', `no stored bytes for the PDF ${sha256}`);
    const size = blob.chunk_bytes;
    const last = Math.floor(end / size);
    for (let from = Math.floor(start / size); from <= last; from += CHUNKS_PER_QUERY) {
      const batch = await this.db.query('SELECT idx, data FROM pdf_chunks WHERE blob_id = $1 AND idx BETWEEN $2 AND $3 ORDER BY idx', [
        blob.id,
        from,
        Math.min(last, from + CHUNKS_PER_QUERY - 1),
      ]);
      for (const row of batch.rows as Array<{ idx: number; data: Buffer }>) {
        const offset = row.idx * size;
        yield row.data.subarray(Math.max(0, start - offset), Math.min(row.data.length, end - offset + 1));
      }
    }
  }
}
