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

/** One send of a page: its edits up to `upTo`, from `baseRevision`, under `updateId`, made in `epoch`. */
export interface PageSend {
  pdfId: string;
  pageNum: number;
  baseRevision: number;
  upTo: number;
  updateId: string;
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
  conflicts: number;
  /** Refused for a stale base with nothing newer held: waits for the player's next edit or a rejoin. */
  waiting: boolean;
}

/**
 * This player's edits of each page that the server has not confirmed yet: shown on top of the
 * newest layers the table holds, and sent rebased on them, so an edit refused for a stale base
 * is never lost. One send is in flight at a time, under an update id that a resend keeps (rule
 * L11): the server applies it once, and a send never carries a base older than the answer before
 * it. No I/O: the book store sends, and reports each answer here.
 */
export class UnconfirmedEdits {
  private readonly pages = new Map<string, PageEdits>();
  private seq = 0;
  private sends = 0;
  private inFlight: PageSend | null = null;
  /** The send a reset cut off: it goes again first, with its id and its edits. */
  private interrupted: PageSend | null = null;
  /** Bumped by a reset: answers to the sends made before it no longer count. */
  private epoch = 0;

  constructor(private readonly clientKey: string) {}

  record(pdfId: string, pageNum: number, edit: LayerEdit): void {
    const key = pageKey(pdfId, pageNum);
    const page = this.pages.get(key) ?? { pdfId, pageNum, edits: [], conflicts: 0, waiting: false };
    page.edits.push({ seq: ++this.seq, edit });
    // the player's next edit of a page that waits takes it along, with its retries renewed
    page.waiting = false;
    page.conflicts = 0;
    this.pages.set(key, page);
  }

  shown(pdfId: string, pageNum: number, newest: PageLayers): PageLayers {
    return this.replayed(pdfId, pageNum, newest, this.seq);
  }

  /** The layers `send` carries: its edits replayed on the newest layers held. */
  carried(send: PageSend, newest: PageLayers): PageLayers {
    return this.replayed(send.pdfId, send.pageNum, newest, send.upTo);
  }

  /**
   * The send to make now, the table holding each page at `held`: the one a reset cut off, else the
   * page with edits not yet applied that waited longest; null while a send is in flight.
   */
  next(held: (pdfId: string, pageNum: number) => number): PageSend | null {
    if (this.inFlight) return null;
    const resend = this.interrupted;
    this.interrupted = null;
    if (resend) return (this.inFlight = { ...resend, baseRevision: held(resend.pdfId, resend.pageNum), epoch: this.epoch });
    const page = [...this.pages.values()].find((candidate) => !candidate.waiting && candidate.edits.some((u) => u.appliedAt === undefined));
    if (!page) return null;
    // to the back of the line, so that one busy page does not keep the others waiting
    this.pages.delete(pageKey(page.pdfId, page.pageNum));
    this.pages.set(pageKey(page.pdfId, page.pageNum), page);
    const updateId = `${this.clientKey}-${++this.sends}`;
    const { pdfId, pageNum } = page;
    return (this.inFlight = { pdfId, pageNum, baseRevision: held(pdfId, pageNum), upTo: this.seq, updateId, epoch: this.epoch });
  }

  /** Takes the answer to `sent`, the table now holding its page at revision `held`. */
  answered(sent: PageSend, ack: UpdateLayersAck, held: number): void {
    if (sent.epoch !== this.epoch) return;
    this.inFlight = null;
    const key = pageKey(sent.pdfId, sent.pageNum);
    const page = this.pages.get(key);
    if (!page) return;
    const carried = (unconfirmed: Unconfirmed) => unconfirmed.seq <= sent.upTo;
    if (ack.ok) {
      page.conflicts = 0;
      for (const unconfirmed of page.edits.filter(carried)) unconfirmed.appliedAt ??= ack.revision;
      this.confirm(sent.pdfId, sent.pageNum, held);
    } else if (ack.error.code === 'version-conflict') {
      // replayed on newer layers it goes again under a new id; layers no newer would be refused again
      page.waiting = held <= sent.baseRevision || ++page.conflicts > MAX_REBASES;
    } else {
      // any other refusal would come again for the same edits: they are given up
      page.edits = page.edits.filter((unconfirmed) => !carried(unconfirmed) || unconfirmed.appliedAt !== undefined);
      this.forgetIfSettled(key, page);
    }
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
   * with a connection never come: the send they were owed for goes again under its id (the
   * server tells whether it applied it), then the rest, rebased on the layers held.
   */
  reset(held: (pdfId: string, pageNum: number) => number): void {
    this.epoch++;
    this.interrupted = this.inFlight ?? this.interrupted;
    this.inFlight = null;
    for (const page of [...this.pages.values()]) {
      page.conflicts = 0;
      page.waiting = false;
      this.confirm(page.pdfId, page.pageNum, held(page.pdfId, page.pageNum));
    }
  }

  /** Leaving the table: nothing left to send, and no answer still owed counts. */
  clear(): void {
    this.pages.clear();
    this.inFlight = null;
    this.interrupted = null;
    this.epoch++;
  }

  private replayed(pdfId: string, pageNum: number, newest: PageLayers, upTo: number): PageLayers {
    const page = this.pages.get(pageKey(pdfId, pageNum));
    if (!page) return newest;
    return rebaseEdits(newest, page.edits.filter((unconfirmed) => unconfirmed.seq <= upTo).map((unconfirmed) => unconfirmed.edit));
  }

  private forgetIfSettled(key: string, page: PageEdits): void {
    if (page.edits.length === 0) this.pages.delete(key);
  }
}

function pageKey(pdfId: string, pageNum: number): string {
  return `${pdfId}/${pageNum}`;
}
