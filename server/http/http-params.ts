import type { Request } from 'express';
import { ProtocolError } from '../../shared/errors';
import { sessionIdSchema } from '../../shared/protocol';

/** The `:sessionId` of a route; one that cannot be an id is a session that does not exist. */
export function sessionIdOf(req: Request): string {
  const parsed = sessionIdSchema.safeParse(req.params.sessionId);
  if (!parsed.success) throw new ProtocolError('unknown-session', 'there is no such session');
  return parsed.data;
}
