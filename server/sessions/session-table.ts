import type { PageView, PdfData, TableSnapshot } from '../../shared/layers-protocol';
import { EMPTY_GM_DOCUMENT, type GmDocument, type TableRoles } from '../../shared/roles-protocol';
import { initialRoles } from './role-rules';
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

/** Who runs a table and what only its game masters see (stored before they change here). */
export interface TableControl {
  roles: TableRoles;
  gm: GmDocument;
}

/**
 * What a session shows besides its game state: the layers of each page, its PDFs, the last
 * page view, and its roles. Changed only inside the session's turn (GameSession.exclusive).
 */
export class SessionTable {
  private readonly pdfs: PdfData[];
  /** Books removed while the session is loaded: a layer edit on one, sent before its sender heard, is refused. */
  private readonly removedPdfs = new Set<string>();
  roles: TableRoles;
  gm: GmDocument;
  /** When a host or game master was last seen at the table by this node (a cluster shares it: staff-clock.ts). */
  staffSeenAt = Date.now();

  constructor(
    private readonly sessionId: string,
    readonly layers: PageLayers,
    pdfs: PdfRecord[],
    /** The last page view anyone navigated to (stored behind, see page-handlers.ts). */
    public view: PageView | null,
    control: TableControl,
  ) {
    this.pdfs = pdfs.map((record) => toPdfData(sessionId, record));
    // the stored view may name a book removed since
    if (view && !this.pdf(view.pdfId)) this.view = null;
    this.roles = control.roles;
    this.gm = control.gm;
  }

  pdf(id: string): PdfData | undefined {
    return this.pdfs.find((pdf) => pdf.id === id);
  }

  get pdfIds(): string[] {
    return this.pdfs.map((pdf) => pdf.id);
  }

  addPdf(record: PdfRecord): PdfData {
    const pdf = toPdfData(this.sessionId, record);
    this.pdfs.push(pdf);
    this.removedPdfs.delete(pdf.id);
    return pdf;
  }

  /** True when the book `id` was removed from the table (and not added again) since the session loaded. */
  wasRemoved(id: string): boolean {
    return this.removedPdfs.has(id);
  }

  /** Removes the book `id` and the layers of its pages; false when the table has no such book. */
  removePdf(id: string): boolean {
    const index = this.pdfs.findIndex((pdf) => pdf.id === id);
    if (index < 0) return false;
    this.pdfs.splice(index, 1);
    this.removedPdfs.add(id);
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

  empty(sessionId: string, hostId: string): SessionTable {
    return new SessionTable(sessionId, new PageLayers([], this.limits), [], null, { roles: initialRoles(hostId), gm: EMPTY_GM_DOCUMENT });
  }

  /** The stored table; `hostId` (its creator) is host until roles are stored. */
  async load(sessionId: string, hostId: string): Promise<SessionTable> {
    const { layers, pdfs, views } = this.stores;
    const [pages, records, view, control] = await Promise.all([
      layers.loadPages(sessionId),
      pdfs.listPdfs(sessionId),
      views.loadView(sessionId),
      this.loadControl(sessionId, hostId),
    ]);
    return new SessionTable(sessionId, new PageLayers(pages, this.limits), records, view, control);
  }

  /** The roles and game master document as stored now: another node may have changed them. */
  async loadControl(sessionId: string, hostId: string): Promise<TableControl> {
    const [roles, gm] = await Promise.all([this.stores.roles.loadRoles(sessionId), this.stores.roles.loadGmDocument(sessionId)]);
    return { roles: roles ?? initialRoles(hostId), gm: gm ?? EMPTY_GM_DOCUMENT };
  }
}
