import type { Request } from 'express';
import { ProtocolError } from '../../shared/errors';
import type { TokenService } from '../auth/tokens';
import type { AccessLinks } from './access-links';
import { bearerToken } from './http-auth';

export interface ReaderAuth {
  tokens: TokenService;
  links: AccessLinks;
}

/**
 * Who reads: the bearer of a token, or of an `?access=` link made for this session and resource
 * (a PDF, the table file). `target` is null when the request's ids are not well-formed: no link is
 * made for those, so it is refused alike, whether the table exists or not.
 */
export function readerOf(req: Request, auth: ReaderAuth, target: { sessionId: string; resource: string } | null): string {
  const { access } = req.query;
  if (typeof access === 'string') {
    const userId = target ? auth.links.verify(access, target) : null;
    if (userId === null) throw new ProtocolError('unauthorized', 'the access link is not valid or has expired');
    return userId;
  }
  const claims = auth.tokens.verify(bearerToken(req));
  if (!claims) throw new ProtocolError('unauthorized', 'send Authorization: Bearer <token> or use an access link');
  return claims.sub;
}
