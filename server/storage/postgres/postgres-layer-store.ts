import type { LayerStore, StoredPage } from '../layer-store';
import { packLayers, unpackLayers } from '../layer-codec';
import type { PostgresDatabase } from './database';
import { touching } from './touching';
import { pdfRemoved, revisionTaken } from '../storage-error';

/** The page's book is not marked removed from its session (migrations.ts, version 3). */
const BOOK_KEPT = 'NOT EXISTS (SELECT 1 FROM removed_pdfs r WHERE r.session_id = $1 AND r.pdf_id = $2)';

const SQL = {
  first: touching(
    `INSERT INTO layers (session_id, pdf_id, page_num, revision, layers) SELECT $1::text, $2::text, $3::int, $4::int, $5::bytea WHERE ${BOOK_KEPT}
     ON CONFLICT (session_id, pdf_id, page_num) DO NOTHING`,
    6,
  ),
  next: touching(
    `UPDATE layers SET revision = $4, layers = $5
     WHERE session_id = $1 AND pdf_id = $2 AND page_num = $3 AND revision = $4::int - 1 AND ${BOOK_KEPT}`,
    6,
  ),
  // a page stored by a write that overlapped its book's removal is left behind, and never read
  pages: `SELECT pdf_id, page_num, revision, layers FROM layers l WHERE session_id = $1
    AND NOT EXISTS (SELECT 1 FROM removed_pdfs r WHERE r.session_id = l.session_id AND r.pdf_id = l.pdf_id)
    ORDER BY pdf_id, page_num`,
  removed: 'SELECT 1 FROM removed_pdfs WHERE session_id = $1 AND pdf_id = $2',
};

interface PageRow {
  pdf_id: string;
  page_num: number;
  revision: number;
  layers: Buffer;
}

/**
 * The newest revision of each page's layers, deflated (layer-codec.ts), in the `layers` table; a
 * page goes with its session (ON DELETE CASCADE), and a page of a session that is gone is refused,
 * as is one of a book removed from its session (`pdf-removed`): another node may have stored the
 * removal a moment ago, its message not yet here.
 */
export class PostgresLayerStore implements LayerStore {
  constructor(private readonly db: PostgresDatabase) {}

  async loadPages(sessionId: string): Promise<StoredPage[]> {
    const { rows } = await this.db.query(SQL.pages, [sessionId]);
    return (rows as PageRow[]).map((row) => ({ pdfId: row.pdf_id, pageNum: row.page_num, revision: row.revision, layers: unpackLayers(row.layers) }));
  }

  async savePage(sessionId: string, page: StoredPage): Promise<void> {
    const { pdfId, pageNum, revision } = page;
    // compare and append (layer-store.ts): the row's revision is checked in the statement that writes it
    const write = revision === 1 ? SQL.first : SQL.next;
    const { rowCount } = await this.db.query(write, [sessionId, pdfId, pageNum, revision, packLayers(page.layers), Date.now()]);
    if (rowCount !== 0) return;
    // the session is marked used only when the page was written: nothing written, its book was removed or another writer was first
    const removed = await this.db.query(SQL.removed, [sessionId, pdfId]);
    throw removed.rowCount === 0 ? revisionTaken(sessionId, page) : pdfRemoved(sessionId, pdfId);
  }
}
