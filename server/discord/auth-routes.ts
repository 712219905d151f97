import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import express, { Router, type Request } from 'express';
import type { z } from 'zod';
import { ProtocolError } from '../../shared/errors';
import { discordLoginSchema, inviteLoginSchema } from '../../shared/protocol';
import { bearerToken } from '../http/http-auth';
import { protocolErrors } from '../http/http-errors';
import type { Logger } from '../logger';
import type { SessionRegistry } from '../sessions/session-registry';
import type { TokenService } from '../auth/tokens';
import type { UserLimits } from '../transport/user-limits';
import type { ActivityInstance, DiscordApi } from './discord-api';
import type { JoinLinks } from './join-links';
import { placeOf } from './place';
import { discordUserId, type VoiceSessions } from './voice-sessions';

export interface AuthRoutesOptions {
  tokens: TokenService;
  registry: SessionRegistry;
  links: JoinLinks;
  limits: Pick<UserLimits, 'takeGuest' | 'takeDiscordSignIn'>;
  logger: Logger;
  /** Absent when Discord is not configured: the token exchange then answers 404. */
  discord?: { api: DiscordApi; voice: VoiceSessions; clientId: string; instanceRetryMs: number };
}

function parse<T extends z.ZodType>(schema: T, req: Request): z.output<T> {
  const parsed = schema.safeParse(req.body);
  if (!parsed.success) throw new ProtocolError('invalid-payload', parsed.error.issues.map((issue) => issue.message).join('; '));
  return parsed.data;
}

/**
 * The instance, when it lists the user. Discord adds a player who just launched to its `users` a
 * moment later, so one who is not there yet is looked for once more after `instanceRetryMs`.
 */
async function instanceWith(discord: NonNullable<AuthRoutesOptions['discord']>, instanceId: string, userId: string): Promise<ActivityInstance | null> {
  const listing = (instance: ActivityInstance | null) => (instance?.users.includes(userId) ? instance : null);
  const first = listing(await discord.api.activityInstance(instanceId));
  if (first) return first;
  await sleep(discord.instanceRetryMs);
  return listing(await discord.api.activityInstance(instanceId));
}

/** Identities tied to Discord channels: the activity's token exchange, and join links opened in a browser. */
export function createAuthRoutes(options: AuthRoutesOptions): Router {
  const router = Router();
  const json = express.json({ limit: '4kb' });
  const { tokens, logger } = options;

  router.get('/api/discord/config', (_req, res) => {
    if (!options.discord) throw new ProtocolError('not-found', 'Discord is not configured on this server');
    res.json({ clientId: options.discord.clientId });
  });

  router.post('/api/auth/discord', json, async (req, res) => {
    const discord = options.discord;
    if (!discord) throw new ProtocolError('not-found', 'Discord is not configured on this server');
    const { code, instanceId } = parse(discordLoginSchema, req);
    options.limits.takeDiscordSignIn();
    const accessToken = await discord.api.exchangeCode(code);
    const user = await discord.api.user(accessToken);
    const instance = await instanceWith(discord, instanceId, user.id);
    if (!instance) {
      logger.info({ discordUser: user.id, instanceId }, 'refused a Discord user who is not in the activity instance');
      throw new ProtocolError('not-in-instance', 'you are not in this activity: open it from the channel it runs in');
    }
    const { guild_id: guildId, channel_id: channelId } = instance.location;
    // one table per channel, wherever the activity launched: a voice or text channel, a DM, a group DM
    const sessionId = discord.voice.ofChannel(guildId ?? null, channelId);
    const place = await placeOf(discord.api, instance.location, logger);
    const id = discordUserId(user.id);
    const name = user.global_name ?? user.username;
    await options.registry.ensure(sessionId, id);
    const token = tokens.issue({ sub: id, name, kind: 'discord', sessions: [sessionId] });
    logger.info({ discordUser: user.id, instanceId, guildId, channelId, sessionId, kind: place.kind }, 'Discord user signed in to a channel\'s table');
    res.json({ access_token: accessToken, token, user: { id, name, avatar: user.avatar ?? null }, sessionId, place });
  });

  router.post('/api/auth/invite', json, async (req, res) => {
    const { invite, name } = parse(inviteLoginSchema, req);
    const sessionId = options.links.verify(invite);
    if (!sessionId) throw new ProtocolError('forbidden', 'this join link is not valid or has expired: ask for a new one');
    const current = tokens.verify(bearerToken(req));
    // a new identity, as POST /api/auth/guest makes: under the same limit of the address, counted before the table is loaded
    if (!current) options.limits.takeGuest(req);
    await options.registry.get(sessionId);
    const user = current
      ? { id: current.sub, name: current.name }
      : { id: `guest:${randomBytes(9).toString('base64url')}`, name: name ?? 'Guest' };
    const sessions = [...new Set([...(current?.sessions ?? []), sessionId])].slice(-32);
    const token = tokens.issue({ sub: user.id, name: user.name, kind: current?.kind ?? 'guest', sessions });
    logger.info({ user: user.id, sessionId }, 'join link exchanged for a token');
    res.json({ token, user, sessionId });
  });

  router.use(protocolErrors(logger));
  return router;
}
