import { identitySchema, type Identity } from './guest-identity';
import { postApi } from './api-request';

const joinedSchema = identitySchema.extend({ sessionId: identitySchema.shape.token });

/** The invitation of a bot's join link (`/join/<invite>`); null elsewhere. */
export function inviteFromLocation(pathname: string): string | null {
  const match = /^\/join\/([A-Za-z0-9._-]{1,1024})\/?$/.exec(pathname);
  return match?.[1] ?? null;
}

/**
 * POST /api/auth/invite: trades a join link for a token that may join its voice channel's table,
 * keeping the player's identity when they have one.
 */
export async function redeemInvite(invite: string, identity: Identity): Promise<{ identity: Identity; sessionId: string }> {
  const joined = await postApi('/api/auth/invite', { invite }, joinedSchema, 'the join link', identity.token);
  return { identity: { token: joined.token, user: joined.user }, sessionId: joined.sessionId };
}
