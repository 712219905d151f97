import { Router } from 'express';
import { ProtocolError } from '../../shared/errors';
import { bearerToken } from '../http/http-auth';
import { protocolErrors } from '../http/http-errors';
import { sessionIdOf } from '../http/http-params';
import type { Logger } from '../logger';
import type { SessionRegistry } from '../sessions/session-registry';
import type { TokenService } from '../auth/tokens';
import type { UserLimits } from '../transport/user-limits';
import type { JoinLinks } from './join-links';
import { isChannelTable, mayJoin } from '../auth/table-access';

export interface JoinLinkRouteOptions {
  tokens: TokenService;
  registry: Pick<SessionRegistry, 'get'>;
  links: JoinLinks;
  limits: Pick<UserLimits, 'takeJoinLink'>;
  publicUrl: string;
  logger: Logger;
}

/** What a player hands on to invite someone: a url that opens the table, and until when it does. */
export interface JoinLinkAnswer {
  url: string;
  expiresAt: number | null;
}

/**
 * POST /api/tables/:sessionId/join-link: a link a player at a table may hand to someone else. A
 * channel's table admits only tokens that list it, so its address alone would not let anyone in:
 * it gets a signed join link; any other table's address is its invitation already.
 */
export function createJoinLinkRoute(options: JoinLinkRouteOptions): Router {
  const router = Router();
  const { tokens, links, logger } = options;

  router.post('/api/tables/:sessionId/join-link', async (req, res) => {
    const claims = tokens.verify(bearerToken(req));
    if (!claims) throw new ProtocolError('unauthorized', 'send Authorization: Bearer <token>');
    options.limits.takeJoinLink(claims.sub);
    const sessionId = sessionIdOf(req);
    if (!mayJoin(claims, sessionId)) throw new ProtocolError('forbidden', 'you are not at this table: only its players may invite others');
    // after the checks above, so that a stranger learns nothing of which tables exist
    await options.registry.get(sessionId);
    const answer = linkTo(sessionId, links, options.publicUrl);
    logger.info({ user: claims.sub, sessionId, expiresAt: answer.expiresAt }, 'join link handed out');
    res.json(answer);
  });

  router.use(protocolErrors(logger));
  return router;
}

function linkTo(sessionId: string, links: JoinLinks, publicUrl: string): JoinLinkAnswer {
  if (!isChannelTable(sessionId)) return { url: `${publicUrl}/t/${encodeURIComponent(sessionId)}`, expiresAt: null };
  const { url, expiresAt } = links.invite(sessionId);
  return { url, expiresAt };
}
