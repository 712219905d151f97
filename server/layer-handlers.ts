import type { Socket } from 'socket.io';
import { ProtocolError } from '../shared/errors';
import {
  binaryPayloadSchema,
  TableClientEvent,
  TableServerEvent,
  updateLayersSchema,
  type LayersUpdated,
  type UpdateLayers,
} from '../shared/layers-protocol';
import { decodePayload, encodePayload } from './binary-payload';
import type { GameSession } from './game-session';
import { RateLimiter } from './rate-limiter';
import type { Register } from './session-handlers';
import { joinedSessionId, type TableContext } from './table-context';
import { quotaOf } from './user-limits';

/** `update-layers`: one page's layers, merged, stored, then sent to the whole session. */
export function registerLayerHandlers(socket: Socket, context: TableContext, on: Register): void {
  const limiter = quotaOf(socket).updates(new RateLimiter(context.rates.updatesPerSecond, context.rates.updatesBurst));
  const event = TableClientEvent.updateLayers;
  on(event, binaryPayloadSchema, async (bytes: Uint8Array) => {
    const sessionId = joinedSessionId(socket);
    if (!limiter.tryTake()) throw new ProtocolError('rate-limited', 'too many layer updates: slow down and send again');
    // inflated before the session's turn: a refused payload never holds up the session
    const edit = decodePayload(bytes, context.layers.maxLayerBytes, updateLayersSchema, event);
    const session = await context.registry.get(sessionId);
    return session.exclusive(() => commitLayers(session, edit, context));
  });
}

async function commitLayers(session: GameSession, edit: UpdateLayers, context: TableContext): Promise<{ revision: number }> {
  const change = session.table.layers.prepare(edit);
  if (!change.changed) return { revision: change.revision };
  const { page } = change;
  session.checkLayerGrowth(change.totalBytes);
  try {
    await context.stores.layers.savePage(session.id, { pdfId: page.pdfId, pageNum: page.pageNum, revision: page.revision, layers: page.layers });
  } catch (error) {
    context.logger.error({ err: error, sessionId: session.id, pdfId: page.pdfId, pageNum: page.pageNum }, 'could not store layers');
    throw new ProtocolError('internal', 'the layers could not be stored; nothing was changed');
  }
  session.table.layers.commit(page);
  session.recordUsage();
  const updated: LayersUpdated = { pdfId: page.pdfId, pageNum: page.pageNum, layers: page.layers, revision: page.revision };
  context.channel.broadcast(session.id, TableServerEvent.layersUpdated, encodePayload(updated));
  return { revision: page.revision };
}
