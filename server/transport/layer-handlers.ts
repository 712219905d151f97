import type { Socket } from 'socket.io';
import { ProtocolError } from '../../shared/errors';
import {
  binaryPayloadSchema,
  TableClientEvent,
  TableServerEvent,
  updateLayersSchema,
  type LayersUpdated,
  type UpdateLayers,
} from '../../shared/layers-protocol';
import { appliedIn, layerOriginOf, type UpdateOrigin } from '../sessions/applied-updates';
import { decodePayload, encodePayload } from './binary-payload';
import type { GameSession } from '../sessions/game-session';
import { RateLimiter } from '../limits/rate-limiter';
import type { Register } from './session-handlers';
import type { SocketUser } from './socket-auth';
import { joinedSessionId, type TableContext } from './table-context';
import { quotaOf } from './user-limits';
import { isPdfRemoved, isRevisionTaken } from '../storage/storage-error';
import { followPdfRemoval } from '../cluster/follow-table';

/** `update-layers`: one page's layers, merged, stored, then sent to the whole session. */
export function registerLayerHandlers(socket: Socket, user: SocketUser, context: TableContext, on: Register): void {
  const limiter = quotaOf(socket).updates(new RateLimiter(context.rates.updatesPerSecond, context.rates.updatesBurst));
  const event = TableClientEvent.updateLayers;
  on(event, binaryPayloadSchema, async (bytes: Uint8Array) => {
    const sessionId = joinedSessionId(socket);
    if (!limiter.tryTake()) throw new ProtocolError('rate-limited', 'too many layer updates: slow down and send again');
    // inflated before the session's turn: a refused payload never holds up the session
    const edit = decodePayload(bytes, context.layers.maxLayerBytes, updateLayersSchema, event);
    const session = await context.registry.get(sessionId);
    const origin = edit.updateId === undefined ? undefined : layerOriginOf(user.id, edit.updateId);
    return session.exclusive(() => commitOnce(session, edit, origin, context));
  });
}

/** Rule L11: an edit already applied (its answer was lost, the client sent it again) is acknowledged, not merged again. */
async function commitOnce(session: GameSession, edit: UpdateLayers, origin: UpdateOrigin | undefined, context: TableContext): Promise<{ revision: number }> {
  const resent = origin && session.appliedAs(origin);
  if (resent !== undefined) return { revision: resent };
  const answer = await commitLayers(session, edit, context);
  // after the page is stored: a crash in between costs a merge of the same edit again, never the edit
  if (origin) await session.recordApplied(appliedIn(origin, answer.revision));
  return answer;
}

/** Tries of one edit against other nodes storing a revision of the same page at the same moment. */
const MAX_PAGE_RACES = 10;

/**
 * Stores the page after `edit`; when another node stored that revision first (`revision-taken`),
 * takes the stored page and merges the edit again three-way from its base revision, as for an
 * edit made from an older revision on this node.
 */
async function commitLayers(session: GameSession, edit: UpdateLayers, context: TableContext): Promise<{ revision: number }> {
  // its pages' layers went with it: stored now, they would come back if the book were added again
  if (session.table.wasRemoved(edit.pdfId)) throw bookRemoved();
  // the client may hold a revision another node stored whose message has not reached this node yet
  if ((edit.baseRevision ?? 0) > session.table.layers.revisionOf(edit.pdfId, edit.pageNum)) await takeStoredPage(session, edit, context);
  for (let attempt = 1; ; attempt++) {
    const change = session.table.layers.prepare(edit);
    if (!change.changed) return { revision: change.revision };
    const { page } = change;
    session.checkLayerGrowth(change.totalBytes);
    try {
      await context.stores.layers.savePage(session.id, { pdfId: page.pdfId, pageNum: page.pageNum, revision: page.revision, layers: page.layers });
    } catch (error) {
      // removed by another node, whose message has not reached this one: taken now, as that message would be
      if (isPdfRemoved(error)) {
        followPdfRemoval(session, edit.pdfId, context.channel);
        throw bookRemoved();
      }
      // a page that cannot be read now is refused as any failed write: the client sends the edit again
      const retaken = isRevisionTaken(error) && attempt < MAX_PAGE_RACES && (await takeStoredPage(session, edit, context).catch(() => false));
      if (retaken) continue;
      context.logger.error({ err: error, sessionId: session.id, pdfId: page.pdfId, pageNum: page.pageNum }, 'could not store layers');
      throw new ProtocolError('internal', 'the layers could not be stored; nothing was changed');
    }
    session.table.layers.commit(page);
    session.recordUsage();
    const updated: LayersUpdated = { pdfId: page.pdfId, pageNum: page.pageNum, layers: page.layers, revision: page.revision };
    context.channel.broadcast(session.id, TableServerEvent.layersUpdated, encodePayload(updated));
    context.channel.share(session.id, { kind: 'layers', page: updated });
    return { revision: page.revision };
  }
}

function bookRemoved(): ProtocolError {
  return new ProtocolError('not-found', 'that book was removed from the table: the edit was not kept');
}

/**
 * The page as stored by the node that won, taken into the page's layers and merge history and
 * sent to this node's members (its message may still be on its way); false when it is not newer.
 */
async function takeStoredPage(session: GameSession, edit: UpdateLayers, context: TableContext): Promise<boolean> {
  const pages = await context.stores.layers.loadPages(session.id);
  const stored = pages.find((page) => page.pdfId === edit.pdfId && page.pageNum === edit.pageNum);
  if (!stored || !session.table.layers.follow(stored)) return false;
  session.recordUsage();
  context.channel.broadcast(session.id, TableServerEvent.layersUpdated, encodePayload(stored satisfies LayersUpdated));
  return true;
}
