import { ProtocolError } from '../../shared/errors';
import { deepEqual } from '../../shared/json';
import type { Layers, PerPage, UpdateLayers } from '../../shared/layers-protocol';
import { merge3 } from '../../shared/merge';
import { LayerHistory } from './layer-history';
import type { StoredPage } from '../storage/layer-store';

export interface LayerLimits {
  /** UTF-8 JSON bytes of one page's layers (and the inflate cap of update-layers). */
  maxLayerBytes: number;
  /** UTF-8 JSON bytes of all the layers of one session. */
  maxSessionLayerBytes: number;
  /** Older page revisions kept per session to merge edits made from them. */
  historyEntries: number;
  historyBytes: number;
}

interface PageEntry extends StoredPage {
  bytes: number;
}

/** What an edit would make of its page: a new revision, or the current one when nothing changes. */
export type PageChange = { changed: true; page: PageEntry; totalBytes: number } | { changed: false; revision: number };

/**
 * The layers of every page of one session with their revisions. Pure bookkeeping, no I/O: the
 * caller works out a change with `prepare`, stores it, then `commit`s it, all in the session's turn.
 */
export class PageLayers {
  private readonly pages = new Map<string, PageEntry>();
  private readonly history: LayerHistory;
  private totalBytes = 0;

  constructor(
    stored: StoredPage[],
    private readonly limits: LayerLimits,
  ) {
    this.history = new LayerHistory(limits.historyEntries, limits.historyBytes);
    for (const page of stored) this.commit({ ...page, bytes: jsonBytes(page.layers) });
  }

  /** The page after `edit`, merged with the edits made since its base revision; throws on refusal. */
  prepare(edit: UpdateLayers): PageChange {
    const current = this.pages.get(pageKey(edit.pdfId, edit.pageNum));
    const revision = current?.revision ?? 0;
    const layers = this.resolve(edit, current);
    if (current && deepEqual(layers, current.layers)) return { changed: false, revision };
    const bytes = jsonBytes(layers);
    const totalBytes = this.totalBytes - (current?.bytes ?? 0) + bytes;
    this.checkSize(bytes, totalBytes);
    const page = { pdfId: edit.pdfId, pageNum: edit.pageNum, revision: revision + 1, layers, bytes };
    return { changed: true, page, totalBytes };
  }

  /** The revision this node holds of a page (0 before its first layers). */
  revisionOf(pdfId: string, pageNum: number): number {
    return this.pages.get(pageKey(pdfId, pageNum))?.revision ?? 0;
  }

  /** UTF-8 JSON bytes of the layers of every page. */
  get byteLength(): number {
    return this.totalBytes;
  }

  commit(page: PageEntry): void {
    const key = pageKey(page.pdfId, page.pageNum);
    this.totalBytes += page.bytes - (this.pages.get(key)?.bytes ?? 0);
    this.pages.set(key, page);
    this.history.push(key, page.revision, page.layers, page.bytes);
  }

  /** Drops every page of the book `pdfId`, with its history: the book added again starts blank. */
  removePdf(pdfId: string): void {
    for (const [key, page] of this.pages) {
      if (page.pdfId !== pdfId) continue;
      this.pages.delete(key);
      this.totalBytes -= page.bytes;
    }
    this.history.forget(pageKey(pdfId, ''));
  }

  /** A revision another node committed: taken, with its place in the merge history, when newer than this node's. */
  follow(page: StoredPage): boolean {
    const current = this.pages.get(pageKey(page.pdfId, page.pageNum));
    if (current && current.revision >= page.revision) return false;
    this.commit({ ...page, bytes: jsonBytes(page.layers) });
    return true;
  }

  /** pdfId -> pageNum -> layers, and the same for revisions (full-game-state). */
  snapshot(): { layers: PerPage<Layers>; layerRevisions: PerPage<number> } {
    const pages = [...this.pages.values()];
    return { layers: perPage(pages, (page) => page.layers), layerRevisions: perPage(pages, (page) => page.revision) };
  }

  /** The layers to store: the edit as sent, or merged three-way when made from an older revision. */
  private resolve(edit: UpdateLayers, current: PageEntry | undefined): Layers {
    const revision = current?.revision ?? 0;
    const { baseRevision } = edit;
    if (baseRevision === undefined || baseRevision === revision) return edit.layers;
    if (baseRevision > revision) {
      throw new ProtocolError('invalid-payload', `baseRevision ${baseRevision} is ahead of the page (${revision})`);
    }
    // revision 0 is the page before its first layers: an empty base
    const base = baseRevision === 0 ? undefined : this.history.get(pageKey(edit.pdfId, edit.pageNum), baseRevision);
    if (baseRevision !== 0 && base === undefined) {
      throw new ProtocolError(
        'version-conflict',
        `revision ${baseRevision} of the page is older than the history kept: resync and send the edit again`,
      );
    }
    // merge3 yields undefined only when both sides removed the value; an edit never removes the page
    return (merge3(base, current?.layers, edit.layers) as Layers | undefined) ?? edit.layers;
  }

  private checkSize(bytes: number, totalBytes: number): void {
    const { maxLayerBytes, maxSessionLayerBytes } = this.limits;
    if (bytes > maxLayerBytes) throw new ProtocolError('too-large', `a page's layers may hold at most ${maxLayerBytes} bytes of JSON`);
    if (totalBytes > maxSessionLayerBytes) {
      throw new ProtocolError('too-large', `the layers of a session may hold at most ${maxSessionLayerBytes} bytes of JSON`);
    }
  }
}

function pageKey(pdfId: string, pageNum: number | ''): string {
  return `${pdfId}/${pageNum}`;
}

/** Built with Object.fromEntries, which defines keys: a pdf id can never reach a prototype. */
function perPage<T>(pages: PageEntry[], pick: (page: PageEntry) => T): PerPage<T> {
  const byPdf = new Map<string, Array<[string, T]>>();
  for (const page of pages) {
    const entries = byPdf.get(page.pdfId) ?? [];
    entries.push([String(page.pageNum), pick(page)]);
    byPdf.set(page.pdfId, entries);
  }
  return Object.fromEntries([...byPdf].map(([pdfId, entries]) => [pdfId, Object.fromEntries(entries)]));
}

function jsonBytes(value: Layers): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}
