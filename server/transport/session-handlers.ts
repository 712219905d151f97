import type { Server, Socket } from 'socket.io';
import { z } from 'zod';
import { ProtocolError } from '../../shared/errors';
import {
  ClientEvent,
  joinSessionSchema,
  type JoinSession,
  requestMissingUpdatesSchema,
  SERVER_OWNED_KEYS,
  ServerEvent,
  type UpdateGameState,
} from '../../shared/protocol';
import { updateGameStateParser } from '../../shared/update-parser';
import { mayJoin } from '../auth/table-access';
import { TableServerEvent } from '../../shared/layers-protocol';
import type { GameSession, UpdateResult } from '../sessions/game-session';
import type { Logger } from '../logger';
import type { SessionChannel } from '../sessions/session-channel';
import { RateLimiter } from '../limits/rate-limiter';
import type { SessionRegistry } from '../sessions/session-registry';
import type { PayloadParser, Precheck, Reply } from './socket-events';
import type { SocketUser } from './socket-auth';
import { oneAtATime } from './socket-queue';
import { quotaOf } from './user-limits';
import { gmRoomOf, roomOf } from './rooms';
import { checkSeat, markStaffLeaving, onUnseat, seatAtTable } from './table-seat';
import type { TableLoader } from '../sessions/session-table';
import type { StaffClock } from '../sessions/staff-clock';
import { updateGuardFor } from '../sessions/update-policy';

export interface HandlerContext {
  io: Server;
  registry: SessionRegistry;
  channel: SessionChannel;
  logger: Logger;
  /** Where a join reads the table's roles as stored now. */
  tables: TableLoader;
  /** Told when a host or game master joins or leaves: the table's away clock on every node. */
  away: StaffClock;
  rates: { updatesPerSecond: number; updatesBurst: number; fullStatesPerMinute: number; fullStatesBurst: number };
}

export type Register = (
  event: string,
  schema: PayloadParser<unknown>,
  handler: (payload: never, reply: Reply) => unknown,
  precheck?: Precheck,
) => void;

/** The session events of one socket: create, join, update, catch up. */
export function registerSessionHandlers(socket: Socket, user: SocketUser, context: HandlerContext, on: Register): void {
  const { registry, rates } = context;
  const quota = quotaOf(socket);
  const updates = quota.updates(new RateLimiter(rates.updatesPerSecond, rates.updatesBurst));
  // a join loads a table and sends all of it: a socket repeating it would make the server copy a large table again and again
  const fullStates = new RateLimiter(rates.fullStatesPerMinute / 60, rates.fullStatesBurst);
  const takeFullState = () => {
    if (!fullStates.tryTake()) throw new ProtocolError('rate-limited', 'too many joins and full states: wait a moment');
  };
  const catchUp = oneAtATime(socket);
  let joined: GameSession | undefined;

  const member = (): GameSession => {
    if (!joined) throw new ProtocolError('not-in-session', 'join a session first');
    return joined;
  };

  /** Moves this socket's membership, as the registry counts it: a session nobody is in may leave memory. */
  const moveTo = async (session: GameSession): Promise<void> => {
    const previous = joined;
    if (previous === session) return;
    // counted at once, before any await, so a disconnect meanwhile leaves the right session
    if (previous) registry.leave(previous.id);
    registry.enter(session.id);
    joined = session;
    if (previous) for (const room of [roomOf(previous.id), gmRoomOf(previous.id)]) await socket.leave(room);
  };
  socket.on('disconnect', () => {
    if (!joined) return;
    registry.leave(joined.id);
    markStaffLeaving(joined, user.id, context.away);
  });
  // a member removed from the table: off it at once, as if it had never joined
  onUnseat(socket, async () => {
    const session = joined;
    if (!session) return;
    joined = undefined;
    registry.leave(session.id);
    socket.data.sessionId = undefined;
    socket.data.client = undefined;
    for (const room of [...socket.rooms]) if (room !== socket.id) await socket.leave(room);
  });

  on(ClientEvent.createSession, z.unknown(), async () => {
    quota.takeTable();
    const session = await registry.create(user.id);
    return { sessionId: session.id };
  });

  const join = async ({ sessionId, fromVersion, crc, clientKey }: JoinSession, reply: Reply) => {
    if (!mayJoin(user.claims, sessionId)) {
      throw new ProtocolError('forbidden', 'this table belongs to a voice channel: open it from Discord or from a join link');
    }
    const session = await registry.get(sessionId);
    await session.exclusive(async () => {
      // gone while waiting for its turn: counting it as joined would keep the session in memory forever
      if (socket.disconnected) throw new ProtocolError('not-in-session', 'the socket disconnected before it joined');
      await checkSeat(session, context.tables, user.id);
      await moveTo(session);
      await socket.join(roomOf(session.id));
      socket.data.sessionId = session.id;
      socket.data.client = clientKey === undefined ? undefined : { userId: user.id, clientKey };
      session.admit(user.id);
      // the other nodes let the member read the table's PDFs through them
      context.channel.share(session.id, { kind: 'member', userId: user.id });
      // inside the session's turn: the ack, then the full state, then any later delta
      reply({ sessionId: session.id, role: session.roleOf(user.id), maxUpdateBytes: session.maxUpdateBytes });
      // layers, PDFs and the view have no deltas: a resumed client gets them whole
      if (sendCatchUp(socket, session, { fromVersion, crc }) === 'deltas') socket.emit(TableServerEvent.tableState, session.tableState());
      await seatAtTable(socket, session, user.id, context.away);
    });
  };
  on(ClientEvent.joinSession, joinSessionSchema, (payload: JoinSession, reply: Reply) => catchUp(() => join(payload, reply)), takeFullState);

  const guard = updateGuardFor(user.id);
  const mayUpdate = () => {
    member();
    if (!registry.accepting) throw new ProtocolError('internal', 'the server is stopping: send the update again once reconnected');
    if (!updates.tryTake()) throw new ProtocolError('rate-limited', 'too many updates: slow down and send again');
  };
  // not async: an update waiting for its commit holds no frame of this handler
  on(ClientEvent.updateGameState, updateGameStateParser, (payload: UpdateGameState) => {
    const session = member();
    const owned = serverOwnedKeyIn(payload);
    if (owned !== undefined) throw new ProtocolError('forbidden', `only the server writes "${owned}"`);
    return session.applyUpdate(payload, user.id, guard).then(versionOnly);
  }, mayUpdate);

  on(
    ClientEvent.requestMissingUpdates,
    requestMissingUpdatesSchema,
    async ({ fromVersion, full }: z.output<typeof requestMissingUpdatesSchema>) => {
      member();
      // a full state asked for is refused before it waits its turn; one the history cannot spare, in it
      if (full) takeFullState();
      await catchUp(async () => {
        // the socket may have joined another table while it waited
        const session = member();
        await session.exclusive(() => (full ? sendCatchUp(socket, session, {}) : sendCatchUp(socket, session, { fromVersion }, takeFullState)));
      });
    },
  );
}

/** An update's ack: its version (the delta went to every client already). */
function versionOnly(result: UpdateResult): { version: number } {
  return { version: result.version };
}

/** The first top-level key of the update that only the server writes, if any. */
function serverOwnedKeyIn(update: UpdateGameState): string | undefined {
  if (update.updates) for (const key in update.updates) if (SERVER_OWNED_KEYS.has(key)) return key;
  if (update.changes) for (const change of update.changes) if (SERVER_OWNED_KEYS.has(change.path[0] as string)) return change.path[0] as string;
  return undefined;
}

/**
 * What a client at `fromVersion` (with `crc` there, when it says) misses, as deltas when the
 * history has them, else the full state (which `beforeFull` may refuse).
 */
function sendCatchUp(socket: Socket, session: GameSession, held: { fromVersion?: number; crc?: number }, beforeFull?: Precheck): 'deltas' | 'full' {
  const deltas = held.fromVersion === undefined ? null : session.deltasSince(held.fromVersion, held.crc);
  if (deltas) {
    socket.emit(ServerEvent.missingUpdates, { deltas });
    return 'deltas';
  }
  beforeFull?.();
  socket.emit(ServerEvent.fullGameState, session.fullState(socket.data.client));
  return 'full';
}
