import express, { Router, type RequestHandler } from 'express';
import { ProtocolError } from '../../shared/errors';
import { guestLoginSchema, linkDeviceSchema } from '../../shared/protocol';
import type { LinkCodeStore } from '../auth/link-codes';
import type { TokenService } from '../auth/tokens';
import type { Logger } from '../logger';
import { bearerToken } from './http-auth';
import { protocolErrors } from './http-errors';

export interface IdentityRouteOptions {
  tokens: TokenService;
  codes: LinkCodeStore;
  /** Per-address limit of link codes asked for and tried. */
  linkLimit: RequestHandler;
  logger: Logger;
}

/**
 * One identity across names and devices: a rename keeps the user's id (a new token, same
 * subject), and a one-time code hands the identity to a second device.
 */
export function createIdentityRoutes(options: IdentityRouteOptions): Router {
  const { tokens, codes } = options;
  const routes = Router();
  const json = express.json({ limit: '4kb' });
  const claimsOf = (header: string | undefined) => {
    const claims = tokens.verify(header);
    if (!claims) throw new ProtocolError('unauthorized', 'send Authorization: Bearer <token>');
    return claims;
  };

  routes.post('/api/auth/rename', json, (req, res) => {
    const claims = claimsOf(bearerToken(req));
    const parsed = guestLoginSchema.safeParse(req.body);
    if (!parsed.success) throw new ProtocolError('invalid-payload', 'send { "name": "..." } (1 to 64 characters)');
    const { iat: _issued, exp: _expires, ...kept } = claims;
    const token = tokens.issue({ ...kept, name: parsed.data.name });
    res.json({ token, user: { id: claims.sub, name: parsed.data.name } });
  });

  routes.post('/api/auth/link-code', options.linkLimit, async (req, res) => {
    const { sub, name, kind } = claimsOf(bearerToken(req));
    // tables a token was let into by a join link or Discord stay with that token
    res.json(await codes.issue({ sub, name, kind }));
  });

  routes.post('/api/auth/link', options.linkLimit, json, async (req, res) => {
    const parsed = linkDeviceSchema.safeParse(req.body);
    if (!parsed.success) throw new ProtocolError('invalid-payload', 'send { "code": "..." }');
    const claims = await codes.redeem(parsed.data.code);
    if (!claims) throw new ProtocolError('not-found', 'this code is wrong, used or expired: ask the other device for a new one');
    res.json({ token: tokens.issue(claims), user: { id: claims.sub, name: claims.name } });
  });
  routes.use(protocolErrors(options.logger));
  return routes;
}
