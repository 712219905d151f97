import { create } from 'zustand';
import { newClientKey } from '../../../shared/client-key';
import type { JsonValue } from '../../../shared/json';
import { pageViewSchema, type PageView, type PdfData } from '../../../shared/layers-protocol';
import { clampPage, clampScale, follow, startFollowing, type FollowEvent, type FollowState } from '../book/follow';
import { readLayers, toJson, type LayerEdit, type PageLayers } from '../book/layer-items';
import { applyLive, isLiveData, type LiveData, type LiveMark } from '../book/live-marks';
import { holdFile, pdfIdOf, releaseFile } from '../book/held-files';
import { uploadPdf } from '../book/pdf-upload';
import { removeBook } from '../platform/table-file';
import { fitScale, type FitMode, type Size } from '../book/view-fit';
import { UnconfirmedEdits } from '../book/rebase-edits';
import { UndoStack } from '../book/undo-stack';
import type { TableConnection } from '../sync/connection';

export type Tool = 'pen' | 'eraser' | 'token' | 'laser' | 'hand';

export interface BookData {
  pdfs: PdfData[];
  follow: FollowState;
  isHost: boolean;
  pageCount: number;
  /** The shown page's size in page units (its size at zoom 1); null before one is drawn. */
  pageSize: Size | null;
  tool: Tool;
  color: string;
  width: number;
  /** Upload progress from 0 to 1, or null when nothing is being uploaded. */
  upload: number | null;
  /** Bumped when any page's layers change, so the overlay redraws. */
  layersTick: number;
  canUndo: boolean;
  canRedo: boolean;
  /** The token this player last placed or touched with the token tool: the token editor's. */
  selectedToken: string | null;
  /** Pages of the open book this player may not go to: hidden by a game master, for a player. */
  hiddenFromMe: ReadonlySet<number>;
}

export interface BookActions {
  /** Called by the table store once a table is joined; `detach` when it is left. */
  attach(connection: TableConnection, identity: { token: string; userId: string }, sessionId: string, isHost: boolean): void;
  detach(): void;
  uploadFile(file: File): Promise<void>;
  /** Host: removes the book and its layers for everyone (the UI asked for a confirmation first). */
  removeBook(pdfId: string): Promise<void>;
  openBook(pdfId: string): void;
  /** To a page, at its top; false (and nowhere) for a page hidden from this player. */
  goToPage(page: number): boolean;
  /** `by` pages on (back when negative), stepping over pages hidden from this player. */
  turnPage(by: number): void;
  /** Kept by the open book from the shared hidden pages and this player's role. */
  setHiddenFromMe(pages: ReadonlySet<number>): void;
  /** Kept by the open book from the roles: a table handed over makes its new host the one who leads. */
  setHost(isHost: boolean): void;
  zoomTo(scale: number): void;
  /** Zooms so the page fits `area` (the book's scrolling area, in CSS pixels): its width, or all of it. */
  fit(mode: FitMode, area: Size): void;
  /** Where in the page this player looks (see view-fit.ts); the host's goes to everyone with the view. */
  scrollTo(centre: { scrollX: number; scrollY: number }): void;
  resume(): void;
  bringEveryone(): void;
  pageShown(count: number, size: Size): void;
  setTool(tool: Tool): void;
  selectToken(id: string | null): void;
  setColor(color: string): void;
  setWidth(width: number): void;
  layersOf(pdfId: string, pageNum: number): PageLayers;
  edit(pdfId: string, pageNum: number, edit: LayerEdit): void;
  undo(): void;
  redo(): void;
  sendLive(data: LiveData, now?: boolean): void;
  /** Others' pointers and strokes in progress, read by the overlay on every frame. */
  marks(): LiveMark[];
  userId(): string;
}

export type BookStore = BookData & BookActions;

const SUMMON = 'summon';
const LIVE = 'mark';
const LIVE_INTERVAL_MS = 33;

const INITIAL: BookData = {
  pdfs: [],
  follow: startFollowing(null),
  isHost: false,
  pageCount: 1,
  pageSize: null,
  tool: 'hand',
  color: '#b3261e',
  width: 4,
  upload: null,
  layersTick: 0,
  canUndo: false,
  canRedo: false,
  selectedToken: null,
  hiddenFromMe: new Set(),
};

export const useBook = create<BookStore>()((set, get) => {
  let connection: TableConnection | null = null;
  let me = { token: '', userId: '', sessionId: '' };
  let detach: Array<() => void> = [];
  let undoStack = new UndoStack();
  const unconfirmed = new UnconfirmedEdits(newClientKey());
  const liveMarks = new Map<string, LiveMark>();
  let lastLive = 0;

  const tick = () => set((s) => ({ layersTick: s.layersTick + 1, canUndo: undoStack.canUndo, canRedo: undoStack.canRedo }));
  const move = (event: FollowEvent) => set((s) => ({ follow: follow(s.follow, event) }));

  /** Where this player is now, or the first book's first page when nobody has opened one. */
  const currentView = (): PageView | null => {
    const { follow: state, pdfs } = get();
    return state.view ?? (pdfs[0] ? { pdfId: pdfs[0].id, currentPage: 1, scale: 1 } : null);
  };

  /** The top of a page, across at its middle. */
  const TOP = { scrollX: 0.5, scrollY: 0 };

  const navigate = (view: PageView) => {
    const { isHost } = get();
    move({ type: 'i-moved', view, isHost });
    if (isHost) connection?.table.navigate(view);
  };

  const reset = () => {
    if (!connection) return;
    const { table } = connection;
    set((s) => ({ pdfs: [...table.pdfs], follow: table.view ? follow(s.follow, { type: 'host-moved', view: table.view }) : s.follow }));
    // the server's pages as they are now (a join, a rejoin): this player's edits not confirmed yet,
    // made offline or sent before the link dropped, go again on top of them
    unconfirmed.reset((pdfId, pageNum) => table.revisionOf(pdfId, pageNum));
    sendNext();
    tick();
  };

  /** Joined and connected: an edit sent now is not refused for want of a session. */
  const canSend = () => connection !== null && ['connected', 'catching-up', 'resyncing'].includes(connection.client.status);

  const shownLayers = (pdfId: string, pageNum: number): PageLayers =>
    unconfirmed.shown(pdfId, pageNum, readLayers(connection?.table.layersOf(pdfId, pageNum)));

  /** Sends the next page with edits not yet applied, one at a time; offline, they wait for the rejoin. */
  const sendNext = () => {
    if (!connection || !canSend()) return;
    const { table } = connection;
    const sent = unconfirmed.next((pdfId, pageNum) => table.revisionOf(pdfId, pageNum));
    if (!sent) return;
    const layers = unconfirmed.carried(sent, readLayers(table.layersOf(sent.pdfId, sent.pageNum)));
    void table.updateLayers(sent.pdfId, sent.pageNum, toJson(layers), sent.baseRevision, sent.updateId).then((ack) => {
      unconfirmed.answered(sent, ack, table.revisionOf(sent.pdfId, sent.pageNum));
      tick();
      sendNext();
    });
  };

  const commit = (pdfId: string, pageNum: number, change: LayerEdit) => {
    unconfirmed.record(pdfId, pageNum, change);
    sendNext();
    tick();
  };

  return {
    ...INITIAL,

    attach(opened, identity, sessionId, isHost) {
      get().detach();
      connection = opened;
      me = { token: identity.token, userId: identity.userId, sessionId };
      set({ isHost });
      const { table } = opened;
      detach = [
        opened.onTableReset(reset),
        table.on('pdf', () => set({ pdfs: [...table.pdfs] })),
        table.on('pdfRemoved', ({ pdfId }) => {
          // a view of the removed book falls back to the first one left
          set((s) => ({ pdfs: [...table.pdfs], follow: s.follow.view?.pdfId === pdfId ? startFollowing(null) : s.follow }));
          tick();
        }),
        table.on('view', (view) => move({ type: 'host-moved', view })),
        table.on('layers', (update) => {
          unconfirmed.confirm(update.pdfId, update.pageNum, update.revision);
          tick();
        }),
        table.on('live', (live) => {
          const summoned = live.type === SUMMON && pageViewSchema.safeParse(live.data);
          if (summoned && summoned.success) move({ type: 'summoned', view: summoned.data });
          else if (live.type === LIVE && isLiveData(live.data)) {
            applyLive(liveMarks, live.from, live.data, performance.now());
          }
        }),
      ];
      reset();
    },

    detach() {
      for (const stop of detach) stop();
      detach = [];
      connection = null;
      undoStack = new UndoStack();
      unconfirmed.clear();
      liveMarks.clear();
      set(INITIAL);
    },

    async uploadFile(file) {
      if (!connection) return;
      set({ upload: 0 });
      // held before the upload ends: pdf-added may show the book before the upload's answer comes
      const id = await pdfIdOf(file);
      if (id) holdFile(id, file);
      try {
        const pdf = await uploadPdf(me.sessionId, me.token, file, (upload) => set({ upload }));
        holdFile(pdf.id, file);
        if (!get().pdfs.some((known) => known.id === pdf.id)) set((s) => ({ pdfs: [...s.pdfs, pdf] }));
        get().openBook(pdf.id);
      } catch (error) {
        if (id) releaseFile(id);
        throw error;
      } finally {
        set({ upload: null });
      }
    },

    async removeBook(pdfId) {
      await removeBook(me.sessionId, pdfId, me.token);
    },

    openBook(pdfId) {
      navigate({ pdfId, currentPage: 1, scale: currentView()?.scale ?? 1, ...TOP });
    },

    goToPage(page) {
      const view = currentView();
      const target = clampPage(page, get().pageCount);
      if (!view || get().hiddenFromMe.has(target)) return false;
      navigate({ ...view, currentPage: target, ...TOP });
      return true;
    },

    turnPage(by) {
      const { pageCount, hiddenFromMe } = get();
      const from = currentView()?.currentPage ?? 1;
      const step = Math.sign(by);
      let target = from + by;
      while (step !== 0 && hiddenFromMe.has(target) && target > 1 && target < pageCount) target += step;
      get().goToPage(target);
    },

    setHiddenFromMe: (hiddenFromMe) => set({ hiddenFromMe }),
    setHost: (isHost) => set({ isHost }),

    zoomTo(scale) {
      const view = currentView();
      if (view) navigate({ ...view, scale: clampScale(scale) });
    },

    fit(mode, area) {
      const { pageSize } = get();
      if (pageSize) get().zoomTo(fitScale(mode, pageSize, area));
    },

    scrollTo(centre) {
      const view = currentView();
      // only the host's scroll is the table's; anyone else scrolls on their own, still following
      if (view && get().isHost && (view.scrollX !== centre.scrollX || view.scrollY !== centre.scrollY)) navigate({ ...view, ...centre });
    },

    resume: () => move({ type: 'resume' }),

    bringEveryone() {
      const view = currentView();
      if (!view || !connection) return;
      connection.table.navigate(view);
      connection.table.sendLive(SUMMON, view as unknown as JsonValue);
      move({ type: 'summoned', view });
    },

    pageShown: (pageCount, pageSize) => set({ pageCount, pageSize }),
    setTool: (tool) => set({ tool }),
    selectToken: (selectedToken) => set({ selectedToken }),
    setColor: (color) => set({ color }),
    setWidth: (width) => set({ width }),

    layersOf: shownLayers,

    edit(pdfId, pageNum, change) {
      undoStack.record({ pdfId, pageNum, edit: change });
      commit(pdfId, pageNum, change);
    },

    undo() {
      const step = undoStack.undo(get().layersOf);
      if (step) commit(step.pdfId, step.pageNum, step.edit);
    },

    redo() {
      const step = undoStack.redo(get().layersOf);
      if (step) commit(step.pdfId, step.pageNum, step.edit);
    },

    sendLive(data, now = false) {
      const at = performance.now();
      // a pointer moves more often than the server relays (60 a second): every 33 ms is enough
      if (!connection || (!now && at - lastLive < LIVE_INTERVAL_MS)) return;
      lastLive = at;
      connection.table.sendLive(LIVE, data as unknown as JsonValue);
    },

    marks: () => [...liveMarks.values()],
    userId: () => me.userId,
  };
});
