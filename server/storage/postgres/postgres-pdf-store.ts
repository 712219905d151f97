import type { PdfRecord, PdfStore } from '../pdf-store';
import { toPdfRecord, type PdfRow } from '../stored-rows';
import type { PostgresDatabase } from './database';
import { touching } from './touching';

/** A book added again: its mark of removal goes, and any page stored while it was being removed. */
const READMITTED = `readmitted AS (DELETE FROM removed_pdfs WHERE session_id = $1 AND pdf_id = $2 RETURNING pdf_id),
  stale AS (DELETE FROM layers WHERE session_id = $1 AND pdf_id IN (SELECT pdf_id FROM readmitted))`;

/**
 * The records of each session's PDFs, in the `pdfs` table; they go with their session (ON DELETE
 * CASCADE). The bytes are in `pdf_blobs` (PostgresPdfBytes), which goes by these records.
 */
export class PostgresPdfStore implements PdfStore {
  constructor(private readonly db: PostgresDatabase) {}

  async listPdfs(sessionId: string): Promise<PdfRecord[]> {
    const { rows } = await this.db.query(
      'SELECT id, name, size, sha256, added_by, added_at FROM pdfs WHERE session_id = $1 ORDER BY seq',
      [sessionId],
    );
    return (rows as PdfRow[]).map(toPdfRecord);
  }

  /**
   * Added again after a removal, the book starts with no pages: a page another node stored for
   * it while the removal was being committed (postgres-layer-store.ts) goes now.
   */
  async addPdf(sessionId: string, pdf: PdfRecord): Promise<void> {
    await this.db.query(
      touching('INSERT INTO pdfs (session_id, id, name, size, sha256, added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', 8, READMITTED),
      [sessionId, pdf.id, pdf.name, pdf.size, pdf.sha256, pdf.addedBy, pdf.addedAt, Date.now()],
    );
  }

  async removePdf(sessionId: string, pdfId: string): Promise<void> {
    // one statement, one implicit transaction: the book, its pages and its mark of removal go together
    await this.db.query(
      `WITH pages AS (DELETE FROM layers WHERE session_id = $1 AND pdf_id = $2),
         marked AS (INSERT INTO removed_pdfs (session_id, pdf_id) SELECT $1::text, $2::text WHERE EXISTS (SELECT 1 FROM sessions WHERE id = $1) ON CONFLICT DO NOTHING)
       DELETE FROM pdfs WHERE session_id = $1 AND id = $2`,
      [sessionId, pdfId],
    );
  }
}
