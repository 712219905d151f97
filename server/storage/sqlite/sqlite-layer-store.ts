import type { LayerStore, StoredPage } from '../layer-store';
import { packLayers, unpackLayers } from '../layer-codec';
import type { SqliteConnection } from './connection';

interface PageRow {
  pdf_id: string;
  page_num: number;
  revision: number;
  /** Deflated JSON (layer-codec.ts), since schema version 6. */
  layers: Buffer;
}

/**
 * The newest revision of each page's layers, in the `layers` table of the shared database. A save
 * resolves once its (group) commit is done, so layers-updated goes out only for committed pages;
 * a page goes with its session (ON DELETE CASCADE).
 */
export class SqliteLayerStore implements LayerStore {
  private readonly sql;

  constructor(private readonly connection: SqliteConnection) {
    this.sql = {
      pages: connection.db.prepare<[string], PageRow>(
        'SELECT pdf_id, page_num, revision, layers FROM layers WHERE session_id = ? ORDER BY pdf_id, page_num',
      ),
    };
  }

  async loadPages(sessionId: string): Promise<StoredPage[]> {
    return this.sql.pages.all(sessionId).map((row) => ({
      pdfId: row.pdf_id,
      pageNum: row.page_num,
      revision: row.revision,
      layers: unpackLayers(row.layers),
    }));
  }

  /** Compare and append in the writer (write-commands.ts): `revision-taken` when another writer stored it first. */
  savePage(sessionId: string, page: StoredPage): Promise<void> {
    const { pdfId, pageNum, revision } = page;
    return this.connection.writes.run({ kind: 'savePage', sessionId, pdfId, pageNum, revision, layers: packLayers(page.layers), now: Date.now() });
  }
}
