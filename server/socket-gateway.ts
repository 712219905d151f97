import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { Logger } from './logger';
import type { SessionChannel } from './session-channel';
import { registerDiceHandlers } from './dice-handlers';
import { trackPresence } from './presence';
import { registerSessionHandlers, roomOf, type HandlerContext, type Register } from './session-handlers';
import { onEvent } from './socket-events';
import { socketAuth, type SocketUser } from './socket-auth';
import type { TokenService } from './tokens';

export interface GatewayOptions {
  tokens: TokenService;
  logger: Logger;
  /** Messages larger than this are cut off by Socket.IO itself (the socket is disconnected). */
  maxMessageBytes: number;
}

/** The Socket.IO server: authenticates sockets and hands their events to the handlers. */
export function createGateway(httpServer: HttpServer, options: GatewayOptions) {
  const io = new Server(httpServer, { maxHttpBufferSize: options.maxMessageBytes, serveClient: false });
  io.use(socketAuth(options.tokens));
  const channel: SessionChannel = {
    broadcast: (sessionId, event, payload) => io.to(roomOf(sessionId)).emit(event, payload),
  };
  const attach = (context: Omit<HandlerContext, 'io'>) => {
    trackPresence(io, context.registry, options.logger);
    io.on('connection', (socket: Socket) => {
      const user = socket.data.user as SocketUser;
      const log = options.logger.child({ socketId: socket.id, userId: user.id });
      log.debug('socket connected');
      socket.on('disconnect', (reason) => log.debug({ reason }, 'socket disconnected'));
      const full = { ...context, io, logger: log };
      const register: Register = (event, schema, handler) => onEvent(socket, event, schema, handler as never, log);
      registerSessionHandlers(socket, user, full, register);
      registerDiceHandlers(socket, user, full, register);
    });
  };
  return { io, channel, attach };
}
