import { ApplicationCommandOptionType, ApplicationCommandType, ChannelType, EntryPointCommandHandlerType } from 'discord.js';

/** The name of the `/table` command and its subcommands. */
export const TABLE_COMMAND = 'table';
export const TABLE_SUBCOMMANDS = ['start', 'link', 'end'] as const;
export type TableSubcommand = (typeof TABLE_SUBCOMMANDS)[number];

/** Text and voice channels have tables; stage channels do not (no activity launches there). */
const channelOption = {
  type: ApplicationCommandOptionType.Channel,
  name: 'channel',
  description: 'The text or voice channel of the table (default: the channel you use the command in)',
  channel_types: [ChannelType.GuildText, ChannelType.GuildVoice],
  required: false,
};

/** Installation contexts (`integration_types`): 0 guild install, 1 user install. */
const GUILD_INSTALL = 0;
const USER_INSTALL = 1;
/** Interaction contexts: 0 a guild, 1 the DM with the app's bot, 2 other DMs and group DMs (user installs only). */
const IN_GUILD = 0;
const IN_BOT_DM = 1;
const IN_PRIVATE_CHANNEL = 2;

/** The slash commands, as Discord's bulk overwrite takes them (the Entry Point command is added by the register script). */
export const tableCommand = {
  type: ApplicationCommandType.ChatInput,
  name: TABLE_COMMAND,
  description: 'The shared gamebook table of this channel',
  integration_types: [GUILD_INSTALL],
  contexts: [IN_GUILD],
  options: [
    { type: ApplicationCommandOptionType.Subcommand, name: 'start', description: 'Open (or reopen) the table and launch the activity', options: [channelOption] },
    { type: ApplicationCommandOptionType.Subcommand, name: 'link', description: 'A browser link to the table', options: [channelOption] },
    { type: ApplicationCommandOptionType.Subcommand, name: 'end', description: 'Close the table (its host or game masters, or who may manage the channel)', options: [channelOption] },
  ],
};

/**
 * The activity's Entry Point command, when the app has none yet: Discord launches the activity
 * itself. Discord refuses user install (`integration_types` 1) unless the app has User Install
 * enabled in the portal, so it is asked for only with `userInstall`; DMs and group DMs of others
 * (context 2) are reachable only through a user install.
 */
export function defaultEntryPointCommand(userInstall: boolean) {
  return {
    type: ApplicationCommandType.PrimaryEntryPoint,
    name: 'launch',
    description: 'Open the gamebook table of this channel',
    handler: EntryPointCommandHandlerType.DiscordLaunchActivity,
    integration_types: userInstall ? [GUILD_INSTALL, USER_INSTALL] : [GUILD_INSTALL],
    contexts: userInstall ? [IN_GUILD, IN_BOT_DM, IN_PRIVATE_CHANNEL] : [IN_GUILD, IN_BOT_DM],
  };
}
