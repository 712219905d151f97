import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { ClientEvent } from '../../shared/protocol';
import { registerDiceHandlers } from './dice-handlers';
import { frameLimitedParser } from './frame-limits';
import { registerLayerHandlers } from './layer-handlers';
import { registerLiveHandlers } from './live-handlers';
import type { Logger } from '../logger';
import { noMetrics, type EventMetrics } from '../metrics/metrics';
import { registerPageHandlers } from './page-handlers';
import { registerRoleHandlers, type RoleContext } from './role-handlers';
import { trackPresence, type PresenceDirectory, type PresenceTracking } from './presence';
import type { SessionChannel, TableChange } from '../sessions/session-channel';
import type { StaffClock } from '../sessions/staff-clock';
import { securityHeaderValues } from '../http/security-headers';
import { registerSessionHandlers, type HandlerContext, type Register } from './session-handlers';
import { roomOf } from './rooms';
import { SocketEvents } from './socket-events';
import { socketAuth, type SocketUser } from './socket-auth';
import { capQueuedBytes } from './socket-queue';
import type { TableContext } from './table-context';
import type { TokenService } from '../auth/tokens';

export interface GatewayOptions {
  tokens: TokenService;
  logger: Logger;
  /** Messages larger than this are cut off by Socket.IO itself (the socket is disconnected). */
  maxMessageBytes: number;
  maxUpdateBytes: number;
  sockets: { maxQueuedBytes: number; maxEventBytes: number };
  /** Other nodes, in a cluster: where changes are shared, who is at each table there. */
  cluster: ClusterLink;
  /** Counts and times every client event; nothing when not given. */
  metrics?: EventMetrics;
}

/** What the transport sees of the other nodes (a single node: nothing shared, everyone is here). */
export interface ClusterLink {
  share(sessionId: string, change: TableChange): void;
  presence: PresenceDirectory;
  /** When each table's host and game masters were last seen, on any node. */
  away: StaffClock;
  /** Clients reconnect to any node, so no transport may need the same node twice (long-polling does). */
  websocketOnly: boolean;
}

/** The Socket.IO server: authenticates sockets and hands their events to the handlers. */
export function createGateway(httpServer: HttpServer, options: GatewayOptions) {
  const { maxEventBytes, maxQueuedBytes } = options.sockets;
  const metrics = options.metrics ?? noMetrics;
  // an update's envelope (ids, intents) gets the room of any other event's frame
  const byEvent = { [ClientEvent.updateGameState]: options.maxUpdateBytes + maxEventBytes };
  const parser = frameLimitedParser({ byEvent, otherEvents: maxEventBytes });
  const transports = options.cluster.websocketOnly ? { transports: ['websocket' as const] } : {};
  const io = new Server(httpServer, { maxHttpBufferSize: options.maxMessageBytes, serveClient: false, parser, ...transports });
  const headers = securityHeaderValues();
  io.engine.on('headers', (answer: Record<string, string>) => Object.assign(answer, headers));
  io.use(socketAuth(options.tokens));
  const channel: SessionChannel = {
    broadcast: (sessionId, event, payload) => io.to(roomOf(sessionId)).emit(event, payload),
    share: (sessionId, change) => options.cluster.share(sessionId, change),
  };
  const attach = (
    context: Omit<HandlerContext, 'io' | 'channel' | 'away'>,
    table: Omit<TableContext, 'logger' | 'channel'>,
    roles: Omit<RoleContext, 'io' | 'logger' | 'channel' | 'presence' | 'away'>,
  ): PresenceTracking => {
    const presence = trackPresence(io, context.registry, options.logger, { directory: options.cluster.presence, channel });
    io.on('connection', (socket: Socket) => {
      const user = socket.data.user as SocketUser;
      const log = options.logger.child({ socketId: socket.id, userId: user.id });
      log.debug('socket connected');
      socket.on('disconnect', (reason) => log.debug({ reason }, 'socket disconnected'));
      capQueuedBytes(socket, maxQueuedBytes, log);
      const { away, presence: directory } = options.cluster;
      // Object.assign: V8 gives each `{ ...context, io }` a hidden class of its own, one per socket held
      const full = Object.assign({}, context, { io, channel, away, logger: log });
      const events = new SocketEvents(socket, log, metrics);
      const on: Register = (event, schema, handler, precheck) => events.on(event, schema, handler as never, precheck);
      registerSessionHandlers(socket, user, full, on);
      registerDiceHandlers(socket, user, full, on);
      const tableContext = Object.assign({}, table, { channel, logger: log });
      registerLayerHandlers(socket, user, tableContext, on);
      registerLiveHandlers(socket, user, tableContext, on);
      registerPageHandlers(socket, tableContext, on);
      registerRoleHandlers(socket, user, Object.assign({}, roles, { io, channel, presence: directory, away, logger: log }), on);
    });
    return presence;
  };
  return { io, channel, attach };
}
