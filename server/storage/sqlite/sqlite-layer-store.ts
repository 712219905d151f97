import type { LayerStore, StoredPage } from '../layer-store';
import { packLayers, unpackLayers } from '../layer-codec';
import type { SqliteConnection } from './connection';
import { revisionTaken } from '../storage-error';

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
    const { db } = connection;
    this.sql = {
      pages: db.prepare<[string], PageRow>(
        'SELECT pdf_id, page_num, revision, layers FROM layers WHERE session_id = ? ORDER BY pdf_id, page_num',
      ),
      // compare and append (layer-store.ts): revision 1 onto no page, any other onto the one before it
      first: db.prepare(
        `INSERT INTO layers (session_id, pdf_id, page_num, revision, layers) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (session_id, pdf_id, page_num) DO NOTHING`,
      ),
      next: db.prepare(
        'UPDATE layers SET revision = ?, layers = ? WHERE session_id = ? AND pdf_id = ? AND page_num = ? AND revision = ?',
      ),
      touch: db.prepare('UPDATE sessions SET last_used_at = ? WHERE id = ?'),
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

  savePage(sessionId: string, page: StoredPage): Promise<void> {
    const layers = packLayers(page.layers);
    return this.connection.writes.run(() => {
      const { pdfId, pageNum, revision } = page;
      const written =
        revision === 1
          ? this.sql.first.run(sessionId, pdfId, pageNum, revision, layers)
          : this.sql.next.run(revision, layers, sessionId, pdfId, pageNum, revision - 1);
      // thrown inside the write: its group commit fails it alone (group-commit.ts)
      if (written.changes === 0) throw revisionTaken(sessionId, page);
      // a session written to counts as used, as for game-state updates
      this.sql.touch.run(Date.now(), sessionId);
    });
  }
}
