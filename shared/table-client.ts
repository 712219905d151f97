import { decodeBinary, encodeBinary } from './binary-codec';
import { Emitter } from './emitter';
import type { ErrorBody } from './errors';
import type { JsonValue } from './json';
import {
  TableClientEvent,
  TableServerEvent,
  type Layers,
  type LayersUpdated,
  type LiveUpdateRelay,
  type PageView,
  type PdfData,
  type PdfRemoved,
  type TableSnapshot,
  type TableState,
  type UpdateLayers,
  type UpdateLayersAck,
} from './layers-protocol';
import { ServerEvent, type FullGameState } from './protocol';
import type { SyncSocket } from './sync-client';

export interface TableClientOptions {
  /** The socket a SyncClient uses too: this client only adds the table's events. */
  socket: SyncSocket;
  /** What an incoming binary payload may inflate to before it is dropped. */
  maxInflateBytes?: number;
}

export type TableEvents = {
  layers: [LayersUpdated];
  live: [LiveUpdateRelay];
  view: [PageView];
  pdf: [PdfData];
  pdfRemoved: [PdfRemoved];
  error: [ErrorBody & { event?: string }];
};

interface Page {
  layers: Layers;
  revision: number;
}

/**
 * The client side of the table: page layers with their revisions, live updates, page navigation
 * and PDFs, over the socket of a SyncClient (which joins the session and handles the game state).
 */
export class TableClient extends Emitter<TableEvents> {
  private readonly socket: SyncSocket;
  private readonly maxInflateBytes: number;
  private readonly pages = new Map<string, Page>();
  private readonly detach: Array<() => void> = [];
  private pdfList: PdfData[] = [];
  private viewValue: PageView | null = null;

  constructor(options: TableClientOptions) {
    super();
    this.socket = options.socket;
    this.maxInflateBytes = options.maxInflateBytes ?? 8 * 1024 * 1024;
    this.listen(ServerEvent.fullGameState, (full: FullGameState) => this.takeSnapshot(full));
    this.listen(TableServerEvent.tableState, (table: TableState) => this.takeSnapshot(table));
    this.listen(TableServerEvent.layersUpdated, (bytes: Uint8Array) => this.onLayers(bytes));
    this.listen(TableServerEvent.realTimeUpdate, (bytes: Uint8Array) => this.onLive(bytes));
    this.listen(TableServerEvent.pageNavigated, (view: PageView) => this.onView(view));
    this.listen(TableServerEvent.pdfAdded, (pdf: PdfData) => this.onPdf(pdf));
    this.listen(TableServerEvent.pdfRemoved, (removed: PdfRemoved) => this.onPdfRemoved(removed));
  }

  get pdfs(): readonly PdfData[] {
    return this.pdfList;
  }

  get view(): PageView | null {
    return this.viewValue;
  }

  layersOf(pdfId: string, pageNum: number): Layers | undefined {
    return this.pages.get(pageKey(pdfId, pageNum))?.layers;
  }

  revisionOf(pdfId: string, pageNum: number): number {
    return this.pages.get(pageKey(pdfId, pageNum))?.revision ?? 0;
  }

  /**
   * Sends the page's layers as edited from `baseRevision` (by default the revision this client
   * holds now), so the server merges
   * them with anyone else's concurrent edits; the result comes back as a `layers` event.
   */
  updateLayers(
    pdfId: string,
    pageNum: number,
    layers: Layers,
    baseRevision = this.revisionOf(pdfId, pageNum),
    updateId?: string,
  ): Promise<UpdateLayersAck> {
    const payload: UpdateLayers = { pdfId, pageNum, layers, baseRevision, ...(updateId === undefined ? {} : { updateId }) };
    return new Promise((resolve) => {
      this.socket.emit(TableClientEvent.updateLayers, encodeBinary(payload), (ack: UpdateLayersAck) => {
        if (!ack.ok) this.emit('error', { event: TableClientEvent.updateLayers, ...ack.error });
        resolve(ack);
      });
    });
  }

  /** A pointer, a stroke in progress: for the others now, stored nowhere. */
  sendLive(type: string, data: JsonValue): void {
    this.socket.emit(TableClientEvent.realTimeUpdate, encodeBinary({ type, data }));
  }

  navigate(view: PageView): void {
    this.viewValue = view;
    this.socket.emit(TableClientEvent.navigatePage, view);
  }

  close(): void {
    for (const detach of this.detach) detach();
  }

  private listen(event: string, listener: (...args: any[]) => void): void {
    this.socket.on(event, listener);
    this.detach.push(() => this.socket.off(event, listener));
  }

  /** A full state, or the table state of a resumed join: the server's table as it is now. */
  private takeSnapshot(full: TableSnapshot): void {
    this.pages.clear();
    for (const [pdfId, pages] of Object.entries(full.layers)) {
      for (const [pageNum, layers] of Object.entries(pages)) {
        const revision = full.layerRevisions[pdfId]?.[pageNum] ?? 0;
        this.pages.set(pageKey(pdfId, Number(pageNum)), { layers, revision });
      }
    }
    this.pdfList = [...full.pdfs];
    this.viewValue = full.view;
  }

  private onLayers(bytes: Uint8Array): void {
    const update = this.decode<LayersUpdated>(bytes, TableServerEvent.layersUpdated);
    if (!update) return;
    const key = pageKey(update.pdfId, update.pageNum);
    // an older revision arriving late must not undo a newer one
    if ((this.pages.get(key)?.revision ?? 0) >= update.revision) return;
    this.pages.set(key, { layers: update.layers, revision: update.revision });
    this.emit('layers', update);
  }

  private onLive(bytes: Uint8Array): void {
    const live = this.decode<LiveUpdateRelay>(bytes, TableServerEvent.realTimeUpdate);
    if (live) this.emit('live', live);
  }

  private onView(view: PageView): void {
    this.viewValue = view;
    this.emit('view', view);
  }

  private onPdf(pdf: PdfData): void {
    if (this.pdfList.some((known) => known.id === pdf.id)) return;
    this.pdfList = [...this.pdfList, pdf];
    this.emit('pdf', pdf);
  }

  /** A book the host removed: its layers went with it. */
  private onPdfRemoved(removed: PdfRemoved): void {
    this.pdfList = this.pdfList.filter((pdf) => pdf.id !== removed.pdfId);
    for (const key of [...this.pages.keys()]) if (key.startsWith(`${removed.pdfId}/`)) this.pages.delete(key);
    if (this.viewValue?.pdfId === removed.pdfId) this.viewValue = null;
    this.emit('pdfRemoved', removed);
  }

  private decode<T>(bytes: Uint8Array, event: string): T | undefined {
    try {
      return decodeBinary(bytes, this.maxInflateBytes) as T;
    } catch (error) {
      this.emit('error', { event, code: 'invalid-payload', message: (error as Error).message });
      return undefined;
    }
  }
}

function pageKey(pdfId: string, pageNum: number): string {
  return `${pdfId}/${pageNum}`;
}
