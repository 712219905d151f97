import type { REST } from 'discord.js';
import { defaultEntryPointCommand, tableCommand } from './commands';
import { discordRoute } from './discord-rest';

const PRIMARY_ENTRY_POINT = 4;

interface ExistingCommand {
  id: string;
  type?: number;
  [field: string]: unknown;
}

/**
 * Overwrites the app's global commands with ours, keeping its Entry Point command as it is (Discord
 * refuses a bulk overwrite that drops it); adds the default one when the app has none, for guild
 * installs only unless `userInstall` (which the app must have enabled in the portal).
 */
export async function registerCommands(
  rest: REST,
  applicationId: string,
  options: { userInstall: boolean },
): Promise<{ names: string[]; keptEntryPoint: boolean }> {
  const route = discordRoute`/applications/${applicationId}/commands`;
  const existing = (await rest.get(route)) as ExistingCommand[];
  const entryPoint = existing.find((command) => command.type === PRIMARY_ENTRY_POINT);
  const body = [tableCommand, entryPoint ?? defaultEntryPointCommand(options.userInstall)];
  const saved = (await rest.put(route, { body })) as ExistingCommand[];
  return { names: saved.map((command) => String(command.name)), keptEntryPoint: entryPoint !== undefined };
}
