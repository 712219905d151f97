import { TableServerEvent, type PageView, type PdfRemoved } from '../../shared/layers-protocol';
import type { GameSession } from '../sessions/game-session';
import type { SessionChannel } from '../sessions/session-channel';
import { toPdfData } from '../sessions/session-table';
import type { StoredPage } from '../storage/layer-store';
import type { PdfRecord } from '../storage/pdf-store';
import type { TableStores } from '../storage/table-stores';
import { encodePayload } from '../transport/binary-payload';

/*
 * What another node stored of a table besides its game state, taken by this node and told to its
 * members: each function runs in the session's turn (GameSession.exclusive).
 */

/** A page revision another node committed; nothing when this node holds it or a newer one. */
export function followLayers(session: GameSession, page: StoredPage, channel: SessionChannel): void {
  if (!session.table.layers.follow(page)) return;
  session.recordUsage();
  channel.broadcast(session.id, TableServerEvent.layersUpdated, encodePayload(page));
}

export function followPdf(session: GameSession, record: PdfRecord, channel: SessionChannel): void {
  if (session.table.pdf(record.id)) return;
  session.table.addPdf(record);
  channel.broadcast(session.id, TableServerEvent.pdfAdded, toPdfData(session.id, record));
}

export function followPdfRemoval(session: GameSession, pdfId: string, channel: SessionChannel): void {
  if (!session.table.pdf(pdfId)) return;
  session.table.removePdf(pdfId);
  session.recordUsage();
  channel.broadcast(session.id, TableServerEvent.pdfRemoved, { pdfId } satisfies PdfRemoved);
}

export function followView(session: GameSession, view: PageView, channel: SessionChannel): void {
  session.table.view = view;
  channel.broadcast(session.id, TableServerEvent.pageNavigated, view);
}

/**
 * The table as stored now, after messages were lost (Redis was away, from this node or from the
 * node that stored them: the same read again when both come back is harmless): the books added and removed
 * meanwhile, every page revision newer than this node's, and the last view. Read in the session's
 * turn, so that no change of this node's falls between the read and what is taken from it.
 */
export async function followStoredTable(session: GameSession, stores: TableStores, channel: SessionChannel): Promise<void> {
  const [records, pages, view] = await Promise.all([stores.pdfs.listPdfs(session.id), stores.layers.loadPages(session.id), stores.views.loadView(session.id)]);
  const stored = new Set(records.map((record) => record.id));
  for (const pdfId of session.table.pdfIds) if (!stored.has(pdfId)) followPdfRemoval(session, pdfId, channel);
  for (const record of records) followPdf(session, record, channel);
  for (const page of pages) if (session.table.pdf(page.pdfId)) followLayers(session, page, channel);
  if (view && session.table.pdf(view.pdfId) && !sameView(view, session.table.view)) followView(session, view, channel);
}

/** Field by field: a view read back from PostgreSQL's jsonb has its keys in another order. */
function sameView(a: PageView, b: PageView | null): boolean {
  return b !== null && a.pdfId === b.pdfId && a.currentPage === b.currentPage && a.scale === b.scale && a.scrollX === b.scrollX && a.scrollY === b.scrollY;
}
