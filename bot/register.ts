import { pino } from 'pino';
import { discordRest } from './discord-rest';
import { loadRegisterConfig, type RegisterConfig } from './register-config';
import { registerCommands } from './register-commands';

/** `npm run bot:register`: puts the bot's slash commands (and the Entry Point command) on Discord. */
let config: RegisterConfig;
try {
  config = loadRegisterConfig();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
const logger = pino({ level: config.logLevel, base: { service: 'gamebook-studio-register' } });
try {
  const result = await registerCommands(discordRest(config.apiBase, config.botToken), config.clientId, { userInstall: config.userInstall });
  logger.info({ ...result, application: config.clientId, userInstall: config.userInstall }, 'commands registered');
} catch (error) {
  logger.fatal({ err: error }, 'could not register the commands');
  process.exit(1);
}
