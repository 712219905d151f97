import type { UpdateLayersAck } from '../../../shared/layers-protocol';
import { applyEdit, type LayerEdit, type PageLayers } from './layer-items';

/**
 * Refusals for version-conflict in a row after which a page is no longer sent again by itself
 * (it waits, shown, for the next rejoin or the player's next edit of it). A refusal comes after
 * the broadcasts that made its base stale, so one rebase is normally enough: the bound only
 * keeps a page from looping.
 */
export const MAX_REBASES = 3;

/** The page as this player means it: their unconfirmed edits, in the order made, on the newest layers. */
export function rebaseEdits(newest: PageLayers, edits: readonly LayerEdit[]): PageLayers {
  // item by item, so what others did meanwhile stays: an add already there, the removal of an
  // item already gone, the move of a token someone removed, all change nothing
  return edits.reduce(applyEdit, newest);
}

/** One send of a page: its edits up to `upTo`, from `baseRevision`, made in `epoch`. */
export interface PageSend {
  pdfId: string;
  pageNum: number;
  baseRevision: number;
  upTo: number;
  epoch: number;
}

interface Unconfirmed {
  seq: number;
  edit: LayerEdit;
  /** The revision the server applied it in: replayed until the layers held reach it. */
  appliedAt?: number;
}

interface PageEdits {
  pdfId: string;
  pageNum: number;
  edits: Unconfirmed[];
  inFlight: number;
  conflicts: number;
}

/**
 * This player's edits of each page that the server has not confirmed yet: shown on top of the
 * newest layers the table holds, and sent rebased on them, so an edit refused for a stale base
 * is never lost. No I/O: the book store sends, and reports each answer here.
 */
export class UnconfirmedEdits {
  private readonly pages = new Map<string, PageEdits>();
  private seq = 0;
  /** Bumped by a reset: answers to the sends made before it no longer count. */
  private epoch = 0;

  record(pdfId: string, pageNum: number, edit: LayerEdit): void {
    const key = pageKey(pdfId, pageNum);
    const page = this.pages.get(key) ?? { pdfId, pageNum, edits: [], inFlight: 0, conflicts: 0 };
    page.edits.push({ seq: ++this.seq, edit });
    this.pages.set(key, page);
  }

  shown(pdfId: string, pageNum: number, newest: PageLayers): PageLayers {
    const page = this.pages.get(pageKey(pdfId, pageNum));
    return page ? rebaseEdits(newest, page.edits.map((unconfirmed) => unconfirmed.edit)) : newest;
  }

  /** Notes that the page as shown now goes to the server from `baseRevision`; pass its answer to `answered`. */
  sending(pdfId: string, pageNum: number, baseRevision: number): PageSend {
    const page = this.pages.get(pageKey(pdfId, pageNum));
    if (page) page.inFlight++;
    return { pdfId, pageNum, baseRevision, upTo: this.seq, epoch: this.epoch };
  }

  /**
   * Takes the answer to `sent`, the table now holding its page at revision `held`. True when the
   * page must be sent again, rebased on the layers held.
   */
  answered(sent: PageSend, ack: UpdateLayersAck, held: number): boolean {
    const key = pageKey(sent.pdfId, sent.pageNum);
    const page = this.pages.get(key);
    if (!page || sent.epoch !== this.epoch) return false;
    page.inFlight--;
    if (ack.ok) {
      page.conflicts = 0;
      for (const unconfirmed of page.edits) if (unconfirmed.seq <= sent.upTo) unconfirmed.appliedAt ??= ack.revision;
      this.confirm(sent.pdfId, sent.pageNum, held);
      return false;
    }
    if (ack.error.code !== 'version-conflict') {
      // any other refusal would come again for the same edits: they are given up
      page.edits = page.edits.filter((unconfirmed) => unconfirmed.seq > sent.upTo);
      this.forgetIfSettled(key, page);
      return false;
    }
    // a later send carries the same edits and gets an answer of its own; layers no newer than
    // the refused base would only be refused again
    if (page.inFlight > 0 || held <= sent.baseRevision || page.conflicts >= MAX_REBASES) return false;
    page.conflicts++;
    return true;
  }

  /** The table holds the page at `revision`: the edits applied by then are in its layers. */
  confirm(pdfId: string, pageNum: number, revision: number): void {
    const key = pageKey(pdfId, pageNum);
    const page = this.pages.get(key);
    if (!page) return;
    page.edits = page.edits.filter((unconfirmed) => unconfirmed.appliedAt === undefined || unconfirmed.appliedAt > revision);
    this.forgetIfSettled(key, page);
  }

  /**
   * The table was reset (a join, a rejoin, a resync) and holds each page at `held`. Answers lost
   * with a connection never come, so none from before counts: returns the pages with edits left,
   * to be sent again rebased on the layers held.
   */
  reset(held: (pdfId: string, pageNum: number) => number): Array<{ pdfId: string; pageNum: number }> {
    this.epoch++;
    for (const page of [...this.pages.values()]) {
      page.inFlight = 0;
      page.conflicts = 0;
      this.confirm(page.pdfId, page.pageNum, held(page.pdfId, page.pageNum));
    }
    return [...this.pages.values()].map(({ pdfId, pageNum }) => ({ pdfId, pageNum }));
  }

  /** Leaving the table: nothing left to send, and no answer still owed counts. */
  clear(): void {
    this.pages.clear();
    this.epoch++;
  }

  private forgetIfSettled(key: string, page: PageEdits): void {
    if (page.edits.length === 0 && page.inFlight === 0) this.pages.delete(key);
  }
}

function pageKey(pdfId: string, pageNum: number): string {
  return `${pdfId}/${pageNum}`;
}
