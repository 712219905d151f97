import { ApplicationCommandOptionType, ApplicationCommandType, ChannelType, EntryPointCommandHandlerType } from 'discord.js';

/** The name of the `/table` command and its subcommands. */
export const TABLE_COMMAND = 'table';
export const TABLE_SUBCOMMANDS = ['start', 'link', 'end'] as const;
export type TableSubcommand = (typeof TABLE_SUBCOMMANDS)[number];

const voiceChannelOption = {
  type: ApplicationCommandOptionType.Channel,
  name: 'channel',
  description: 'The voice channel of the table (default: the voice channel you use the command in)',
  channel_types: [ChannelType.GuildVoice, ChannelType.GuildStageVoice],
  required: false,
};

/** The slash commands, as Discord's bulk overwrite takes them (the Entry Point command is added by the register script). */
export const tableCommand = {
  type: ApplicationCommandType.ChatInput,
  name: TABLE_COMMAND,
  description: 'The shared gamebook table of a voice channel',
  contexts: [0],
  options: [
    { type: ApplicationCommandOptionType.Subcommand, name: 'start', description: 'Open (or reopen) the table and launch the activity', options: [voiceChannelOption] },
    { type: ApplicationCommandOptionType.Subcommand, name: 'link', description: 'A browser link to the table', options: [voiceChannelOption] },
    { type: ApplicationCommandOptionType.Subcommand, name: 'end', description: 'Close the table (its host, or who may manage the channel)', options: [voiceChannelOption] },
  ],
};

/** The activity's Entry Point command, when the app has none yet: Discord launches the activity itself. */
export const defaultEntryPointCommand = {
  type: ApplicationCommandType.PrimaryEntryPoint,
  name: 'launch',
  description: 'Open the gamebook table in this voice channel',
  handler: EntryPointCommandHandlerType.DiscordLaunchActivity,
  integration_types: [0, 1],
  contexts: [0, 1, 2],
};
