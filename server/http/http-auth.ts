import type { Request, RequestHandler, Response } from 'express';
import { ProtocolError } from '../../shared/errors';
import type { Sender } from '../../shared/layers-protocol';
import type { TokenService } from '../auth/tokens';

/** The token of `Authorization: Bearer <token>`, the same token the socket's handshake carries. */
export function bearerToken(req: Request): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
  return match?.[1];
}

/** Middleware: refuses with 401 a request without a valid bearer token; else `res.locals.user`. */
export function requireUser(tokens: TokenService): RequestHandler {
  return (req, res, next) => {
    const claims = tokens.verify(bearerToken(req));
    if (!claims) throw new ProtocolError('unauthorized', 'send Authorization: Bearer <token>');
    res.locals.user = { id: claims.sub, name: claims.name } satisfies Sender;
    next();
  };
}

export function userOf(res: Response): Sender {
  return res.locals.user as Sender;
}
