import type { Socket } from 'socket.io';
import { ProtocolError } from '../../shared/errors';
import {
  binaryPayloadSchema,
  liveUpdateSchema,
  TableClientEvent,
  TableServerEvent,
  type LiveUpdateRelay,
} from '../../shared/layers-protocol';
import { decodePayload, encodePayload } from './binary-payload';
import { RateLimiter } from '../limits/rate-limiter';
import type { Register } from './session-handlers';
import { roomOf } from './rooms';
import type { SocketUser } from './socket-auth';
import { joinedSessionId, type TableContext } from './table-context';
import { quotaOf } from './user-limits';

/**
 * `real-time-update`: a pointer or a stroke in progress, relayed at once to the others of the
 * session with the sender's identity from its token; never stored, so it skips the session's turn.
 */
export function registerLiveHandlers(socket: Socket, user: SocketUser, context: TableContext, on: Register): void {
  const limiter = quotaOf(socket).live(new RateLimiter(context.live.perSecond, context.live.burst));
  const event = TableClientEvent.realTimeUpdate;
  const from = { id: user.id, name: user.name };
  on(event, binaryPayloadSchema, (bytes: Uint8Array) => {
    const sessionId = joinedSessionId(socket);
    if (!limiter.tryTake()) throw new ProtocolError('rate-limited', 'too many live updates: slow down');
    const live = decodePayload(bytes, context.live.maxBytes, liveUpdateSchema, event);
    const relay: LiveUpdateRelay = { type: live.type, data: live.data, from };
    const payload = encodePayload(relay);
    socket.to(roomOf(sessionId)).emit(TableServerEvent.realTimeUpdate, payload);
    context.channel.share(sessionId, { kind: 'live', payload });
  });
}
