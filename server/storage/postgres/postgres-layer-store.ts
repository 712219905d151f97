import type { LayerStore, StoredPage } from '../layer-store';
import { packLayers, unpackLayers } from '../layer-codec';
import type { PostgresDatabase } from './database';
import { touching } from './touching';

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
    await this.db.query(
      touching(
        `INSERT INTO layers (session_id, pdf_id, page_num, revision, layers) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (session_id, pdf_id, page_num) DO UPDATE SET revision = excluded.revision, layers = excluded.layers`,
        6,
      ),
      [sessionId, page.pdfId, page.pageNum, page.revision, packLayers(page.layers), Date.now()],
    );
  }
}
