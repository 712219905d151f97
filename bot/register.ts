import { loadConfig } from '../server/config';
import { createLogger } from '../server/logger';
import { discordRest } from './discord-rest';
import { registerCommands } from './register-commands';

/** `npm run bot:register`: puts the bot's slash commands (and the Entry Point command) on Discord. */
const config = loadConfig();
const logger = createLogger(config.logLevel);
if (!config.discord) {
  logger.fatal('set DISCORD_CLIENT_ID, DISCORD_CLIENT_SECRET, DISCORD_BOT_TOKEN and DISCORD_PUBLIC_KEY to register commands');
  process.exit(1);
}
try {
  const result = await registerCommands(discordRest(config.discord.apiBase, config.discord.botToken), config.discord.clientId);
  logger.info({ ...result, application: config.discord.clientId }, 'commands registered');
} catch (error) {
  logger.fatal({ err: error }, 'could not register the commands');
  process.exit(1);
}
