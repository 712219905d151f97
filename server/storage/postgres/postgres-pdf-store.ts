import type { PdfRecord, PdfStore } from '../pdf-store';
import { toPdfRecord, type PdfRow } from '../stored-rows';
import type { PostgresDatabase } from './database';
import { touching } from './touching';


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

  async addPdf(sessionId: string, pdf: PdfRecord): Promise<void> {
    await this.db.query(
      touching('INSERT INTO pdfs (session_id, id, name, size, sha256, added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', 8),
      [sessionId, pdf.id, pdf.name, pdf.size, pdf.sha256, pdf.addedBy, pdf.addedAt, Date.now()],
    );
  }

  async removePdf(sessionId: string, pdfId: string): Promise<void> {
    // one statement, one implicit transaction: the book and its pages go together
    await this.db.query(
      `WITH pages AS (DELETE FROM layers WHERE session_id = $1 AND pdf_id = $2)
       DELETE FROM pdfs WHERE session_id = $1 AND id = $2`,
      [sessionId, pdfId],
    );
  }
}
