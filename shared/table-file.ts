import { z } from 'zod';
import type { ErrorBody } from './errors';
import { layersSchema, pageNumSchema, pageViewSchema, pdfIdSchema } from './layers-protocol';
import { updateGameStateFields } from './protocol';

/**
 * A table's data in one file (docs/table-file.md): one line of JSON, the header, then the bytes
 * of every PDF the header lists, one after the other in its order, each exactly `size` bytes.
 * Read and written as a stream: a reader holds the header, never a whole book.
 */
export const TABLE_FILE_FORMAT = 'gamebook-studio-table';
export const TABLE_FILE_VERSION = 1;
export const TABLE_FILE_MEDIA_TYPE = 'application/vnd.gamebook-studio.table';

const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in lowercase hex');

export const tableFilePageSchema = z.object({ pdfId: pdfIdSchema, pageNum: pageNumSchema, layers: layersSchema });
export type TableFilePage = z.infer<typeof tableFilePageSchema>;

export const tableFilePdfSchema = z.object({
  name: z.string().min(1).max(200),
  size: z.number().int().min(1),
  sha256: sha256Schema,
});
export type TableFilePdf = z.infer<typeof tableFilePdfSchema>;

export const tableFileHeaderSchema = z
  .object({
    format: z.literal(TABLE_FILE_FORMAT),
    version: z.literal(TABLE_FILE_VERSION),
    exportedAt: z.number().int().min(0),
    /** The game state and its CRC (canonical-crc), which the new table must come back to. */
    state: updateGameStateFields.shape.updates.unwrap(),
    crc: z.number().int().min(0),
    view: pageViewSchema.nullable(),
    pages: z.array(tableFilePageSchema).max(100_000),
    pdfs: z.array(tableFilePdfSchema).max(1000),
  })
  .refine(({ pdfs }) => new Set(pdfs.map((pdf) => pdf.sha256)).size === pdfs.length, 'a PDF is listed once');
export type TableFileHeader = z.infer<typeof tableFileHeaderSchema>;

/** Answer of POST /api/tables/import. */
export interface ImportedTable {
  sessionId: string;
  version: number;
  crc: number;
}

/** A short-lived link that downloads the table file without a header (`?access=`): the browser saves the stream itself. */
export interface TableFileLink {
  url: string;
  expiresAt: number;
}

/** What an import asked with `Accept: application/x-ndjson` answers: one JSON line per step, then the outcome. */
export const IMPORT_PROGRESS_MEDIA_TYPE = 'application/x-ndjson';

/** A step the server took: a book stored and checked (`done` of `of`), then the table being made. */
export type ImportStep = { step: 'book'; done: number; of: number } | { step: 'table' };

/** A line of the import's progress answer; the last is `imported` or `error`. */
export type ImportLine = ImportStep | { imported: ImportedTable } | { error: ErrorBody };
