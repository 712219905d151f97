import { Router } from 'express';
import type { Server } from 'socket.io';
import { discordRest } from '../../bot/discord-rest';
import { startGateway, type BotGateway } from '../../bot/gateway';
import { TableCommands } from '../../bot/table-commands';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { SessionRegistry } from '../sessions/session-registry';
import type { TokenService } from '../auth/tokens';
import type { UserLimits } from '../transport/user-limits';
import { createAuthRoutes } from './auth-routes';
import { ServerChannelTables } from './channel-tables';
import { DiscordApi } from './discord-api';
import { createInteractionsRoute } from './interactions-route';
import { createJoinLinkRoute } from './join-link-route';
import { JoinLinks } from './join-links';
import { VoiceSessions } from './voice-sessions';

export interface DiscordAppOptions {
  config: Config;
  secret: string;
  tokens: TokenService;
  registry: SessionRegistry;
  io: Server;
  limits: Pick<UserLimits, 'takeJoinLink' | 'takeGuest' | 'takeDiscordSignIn'>;
  logger: Logger;
}

/**
 * Everything Discord on the server: the token exchange, join links (and asking for one), the
 * interactions endpoint and the gateway bot. Without Discord settings only join links are
 * served, and one line says so.
 */
export function createDiscordApp(options: DiscordAppOptions): { routes: Router; stop(): Promise<void> } {
  const { config, logger } = options;
  const routes = Router();
  const links = new JoinLinks(options.secret, config.joinLinkMs, config.publicUrl);
  routes.use(createJoinLinkRoute({ tokens: options.tokens, registry: options.registry, links, limits: options.limits, publicUrl: config.publicUrl, logger }));
  const discord = config.discord;
  if (!discord) {
    logger.info('Discord is not configured (DISCORD_CLIENT_ID, DISCORD_CLIENT_SECRET, DISCORD_BOT_TOKEN, DISCORD_PUBLIC_KEY): running as a browser table only');
    routes.use(createAuthRoutes({ tokens: options.tokens, registry: options.registry, links, limits: options.limits, logger }));
    return { routes, stop: async () => undefined };
  }
  const log = logger.child({ component: 'discord' });
  const voice = new VoiceSessions(options.secret);
  const api = new DiscordApi(discord);
  const tables = new ServerChannelTables({ voice, registry: options.registry, links, io: options.io });
  const commands = new TableCommands({ tables, logger: log });
  routes.use(createAuthRoutes({ tokens: options.tokens, registry: options.registry, links, limits: options.limits, logger: log, discord: { api, voice, clientId: discord.clientId, instanceRetryMs: discord.instanceRetryMs } }));
  const { followUpRetryMs } = discord;
  routes.use(createInteractionsRoute({ publicKey: discord.publicKey, commands, rest: discordRest(discord.apiBase, discord.botToken), logger: log, followUpRetryMs }));
  let gateway: BotGateway | null = null;
  if (discord.gateway) gateway = startGateway({ botToken: discord.botToken, apiBase: discord.apiBase, commands, logger: log, followUpRetryMs });
  log.info({ apiBase: discord.apiBase, gateway: discord.gateway, publicUrl: config.publicUrl }, 'Discord app enabled');
  return { routes, stop: async () => gateway?.stop() };
}
