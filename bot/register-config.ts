import { z } from 'zod';

/** What `npm run bot:register` needs, from the environment: the app, its bot, and the kinds of install. */
const registerSchema = z.object({
  DISCORD_CLIENT_ID: z.string().regex(/^\d{5,30}$/, 'a Discord snowflake'),
  DISCORD_BOT_TOKEN: z.string().min(8),
  DISCORD_API_BASE: z.url().default('https://discord.com/api/v10'),
  /** `true` registers the default Entry Point command for user installs too (enable User Install in the portal first). */
  DISCORD_USER_INSTALL: z.enum(['true', 'false']).default('false'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface RegisterConfig {
  clientId: string;
  botToken: string;
  apiBase: string;
  userInstall: boolean;
  logLevel: string;
}

/** The register script's settings; an error naming each bad or missing one. */
export function loadRegisterConfig(env: NodeJS.ProcessEnv = process.env): RegisterConfig {
  const parsed = registerSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`set ${parsed.error.issues.map((issue) => `${issue.path.join('.')} (${issue.message})`).join(', ')} to register commands`);
  }
  const { data } = parsed;
  return {
    clientId: data.DISCORD_CLIENT_ID,
    botToken: data.DISCORD_BOT_TOKEN,
    apiBase: data.DISCORD_API_BASE.replace(/\/+$/, ''),
    userInstall: data.DISCORD_USER_INSTALL === 'true',
    logLevel: data.LOG_LEVEL,
  };
}
