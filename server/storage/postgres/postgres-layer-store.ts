import type { LayerStore, StoredPage } from '../layer-store';
import { packLayers, unpackLayers } from '../layer-codec';
import type { PostgresDatabase } from './database';
import { touching } from './touching';
import { revisionTaken } from '../storage-error';

const SQL = {
  first: touching(
    `INSERT INTO layers (session_id, pdf_id, page_num, revision, layers) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (session_id, pdf_id, page_num) DO NOTHING`,
    6,
  ),
  next: touching(
    `UPDATE layers SET revision = $4, layers = $5
     WHERE session_id = $1 AND pdf_id = $2 AND page_num = $3 AND revision = $4::int - 1`,
    6,
  ),
};

interface PageRow {
  pdf_id: string;
  page_num: number;
  revision: number;
  layers: Buffer;
}

/**
 * The newest revision of each page's layers, deflated (layer-codec.ts), in the `layers` table; a
 * page goes with its session (ON DELETE CASCADE), and a page of a session that is gone is refused.
 */
export class PostgresLayerStore implements LayerStore {
  constructor(private readonly db: PostgresDatabase) {}

  async loadPages(sessionId: string): Promise<StoredPage[]> {
    const { rows } = await this.db.query(
      'SELECT pdf_id, page_num, revision, layers FROM layers WHERE session_id = $1 ORDER BY pdf_id, page_num',
      [sessionId],
    );
    return (rows as PageRow[]).map((row) => ({ pdfId: row.pdf_id, pageNum: row.page_num, revision: row.revision, layers: unpackLayers(row.layers) }));
  }

  async savePage(sessionId: string, page: StoredPage): Promise<void> {
    const { pdfId, pageNum, revision } = page;
    // compare and append (layer-store.ts): the row's revision is checked in the statement that writes it
    const write = revision === 1 ? SQL.first : SQL.next;
    const { rowCount } = await this.db.query(write, [sessionId, pdfId, pageNum, revision, packLayers(page.layers), Date.now()]);
    // the session is marked used only when the page was written: nothing written, another writer was first
    if (rowCount === 0) throw revisionTaken(sessionId, page);
  }
}
