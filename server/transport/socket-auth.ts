import type { Socket } from 'socket.io';
import type { Claims, TokenService } from '../auth/tokens';

export interface SocketUser {
  id: string;
  name: string;
  claims: Claims;
}

type Next = (error?: Error) => void;

/** Socket.IO middleware: a socket without a valid `auth.token` is refused before it can do anything. */
export function socketAuth(tokens: TokenService) {
  return (socket: Socket, next: Next): void => {
    const claims = tokens.verify((socket.handshake.auth as { token?: unknown } | undefined)?.token);
    if (!claims) {
      const error = new Error('a valid token is required: pass it as auth.token') as Error & { data: unknown };
      error.data = { code: 'unauthorized' };
      next(error);
      return;
    }
    socket.data.user = { id: claims.sub, name: claims.name, claims } satisfies SocketUser;
    next();
  };
}
