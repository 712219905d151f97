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
      insert: db.prepare(
        'INSERT INTO pdfs (session_id, id, name, size, sha256, added_by, added_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      remove: db.prepare('DELETE FROM pdfs WHERE session_id = ? AND id = ?'),
      removePages: db.prepare('DELETE FROM layers WHERE session_id = ? AND pdf_id = ?'),
      touch: db.prepare('UPDATE sessions SET last_used_at = ? WHERE id = ?'),
      referenced: db.prepare<[string], { found: number }>('SELECT 1 AS found FROM pdfs WHERE sha256 = ? LIMIT 1'),
    };
  }

  async listPdfs(sessionId: string): Promise<PdfRecord[]> {
    return this.sql.list.all(sessionId).map(toPdfRecord);
  }

  addPdf(sessionId: string, pdf: PdfRecord): Promise<void> {
    return this.connection.writes.run(() => {
      this.sql.insert.run(sessionId, pdf.id, pdf.name, pdf.size, pdf.sha256, pdf.addedBy, pdf.addedAt);
      this.sql.touch.run(Date.now(), sessionId);
    });
  }

  removePdf(sessionId: string, pdfId: string): Promise<void> {
    return this.connection.writes.run(() => {
      this.sql.removePages.run(sessionId, pdfId);
      this.sql.remove.run(sessionId, pdfId);
      this.sql.touch.run(Date.now(), sessionId);
    });
  }

  isReferenced(sha256: string): boolean {
    // between two turns no transaction is open: this reads what is committed
    return this.sql.referenced.get(sha256) !== undefined;
  }
}
