import type { PdfReferences } from '../pdf-bytes';
import type { PdfRecord, PdfStore } from '../pdf-store';
import { toPdfRecord, type PdfRow } from '../stored-rows';
import type { SqliteConnection } from './connection';

/**
 * The records of each session's PDFs, in the `pdfs` table of the shared database; they go with
 * their session (ON DELETE CASCADE). The bytes are files named by SHA-256 (PdfFiles).
 */
export class SqlitePdfStore implements PdfStore, PdfReferences {
  private readonly sql;

  constructor(private readonly connection: SqliteConnection) {
    const { db } = connection;
    this.sql = {
      // rowids grow: the order they were added in
      list: db.prepare<[string], PdfRow>(
        'SELECT id, name, size, sha256, added_by, added_at FROM pdfs WHERE session_id = ? ORDER BY rowid',
      ),
      referenced: db.prepare<[string], { found: number }>('SELECT 1 AS found FROM pdfs WHERE sha256 = ? LIMIT 1'),
    };
  }

  async listPdfs(sessionId: string): Promise<PdfRecord[]> {
    return this.sql.list.all(sessionId).map(toPdfRecord);
  }

  addPdf(sessionId: string, pdf: PdfRecord): Promise<void> {
    const { id, name, size, sha256, addedBy, addedAt } = pdf;
    return this.connection.writes.run({ kind: 'addPdf', sessionId, pdf: { id, name, size, sha256, addedBy, addedAt }, now: Date.now() });
  }

  /** Its pages' layers go with it. */
  removePdf(sessionId: string, pdfId: string): Promise<void> {
    return this.connection.writes.run({ kind: 'removePdf', sessionId, pdfId, now: Date.now() });
  }

  isReferenced(sha256: string): boolean {
    // between two turns no transaction is open: this reads what is committed
    return this.sql.referenced.get(sha256) !== undefined;
  }
}
