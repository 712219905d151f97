import type { PageView, PdfData, TableSnapshot } from '../../shared/layers-protocol';
import { PageLayers, type LayerLimits } from '../table/page-layers';
import type { PdfRecord } from '../storage/pdf-store';
import type { TableStores } from '../storage/table-stores';

/** Where a session's PDF is read from: the members-only route of pdf-routes.ts. */
export function pdfUrl(sessionId: string, pdfId: string): string {
  return `/api/sessions/${encodeURIComponent(sessionId)}/pdfs/${encodeURIComponent(pdfId)}`;
}

export function toPdfData(sessionId: string, record: PdfRecord): PdfData {
  const { id, name, size, sha256 } = record;
  return { id, name, size, sha256, url: pdfUrl(sessionId, id) };
}

/**
 * What a session shows besides its game state: the layers of each page, its PDFs and the last
 * page view. Changed only inside the session's turn (GameSession.exclusive).
 */
export class SessionTable {
  private readonly pdfs: PdfData[];

  constructor(
    private readonly sessionId: string,
    readonly layers: PageLayers,
    pdfs: PdfRecord[],
    /** The last page view anyone navigated to (stored behind, see page-handlers.ts). */
    public view: PageView | null = null,
  ) {
    this.pdfs = pdfs.map((record) => toPdfData(sessionId, record));
    // the stored view may name a book removed since
    if (view && !this.pdf(view.pdfId)) this.view = null;
  }

  pdf(id: string): PdfData | undefined {
    return this.pdfs.find((pdf) => pdf.id === id);
  }

  addPdf(record: PdfRecord): PdfData {
    const pdf = toPdfData(this.sessionId, record);
    this.pdfs.push(pdf);
    return pdf;
  }

  /** Removes the book `id` and the layers of its pages; false when the table has no such book. */
  removePdf(id: string): boolean {
    const index = this.pdfs.findIndex((pdf) => pdf.id === id);
    if (index < 0) return false;
    this.pdfs.splice(index, 1);
    this.layers.removePdf(id);
    if (this.view?.pdfId === id) this.view = null;
    return true;
  }

  snapshot(): TableSnapshot {
    return { ...this.layers.snapshot(), pdfs: [...this.pdfs], view: this.view };
  }
}

/** Builds each session's table, from the stores when the session already exists. */
export class TableLoader {
  constructor(
    readonly stores: TableStores,
    private readonly limits: LayerLimits,
  ) {}

  empty(sessionId: string): SessionTable {
    return new SessionTable(sessionId, new PageLayers([], this.limits), []);
  }

  async load(sessionId: string): Promise<SessionTable> {
    const { layers, pdfs, views } = this.stores;
    const [pages, records, view] = await Promise.all([layers.loadPages(sessionId), pdfs.listPdfs(sessionId), views.loadView(sessionId)]);
    return new SessionTable(sessionId, new PageLayers(pages, this.limits), records, view);
  }
}
