import { isPrivateChannel, isTableChannel, MANAGE_CHANNELS, type ChannelRef, type CommandReply, type CommandUse } from './interaction';
import type { BotLogger, ChannelKey, ChannelTables } from './tables';

export interface TableCommandDeps {
  tables: ChannelTables;
  logger: BotLogger;
}

const NOT_IN_GUILD = '`/table` works in a server\'s channels. In a DM, open the activity from the app launcher: its table is this conversation\'s.';
const NO_TABLE_CHANNEL =
  'Use this in a text or voice channel (or a voice channel\'s chat), or name one with `channel:`. Stage channels have no table: activities cannot launch there.';

const say = (content: string, launch = false): CommandReply => ({ launch, content, ephemeral: true });

/** How a reply names a channel: a mention in a server, in words in a DM (where a mention shows nothing). */
function nameOf(channel: ChannelRef): string {
  return isPrivateChannel(channel) ? 'this conversation' : `<#${channel.id}>`;
}

/**
 * The bot's commands, whichever transport brought them (the gateway or the HTTP interactions
 * endpoint): `/table start|link|end` and the activity's Entry Point command. Each works on the
 * table of one channel: the one named with `channel:`, else the one the command was used in.
 */
export class TableCommands {
  constructor(private readonly deps: TableCommandDeps) {}

  async handle(use: CommandUse): Promise<CommandReply> {
    const { command } = use;
    if (command.kind === 'unknown') return say(`I do not know the command \`/${command.name}\`.`);
    // the Entry Point command launches wherever Discord offers it, DMs included
    if (command.kind === 'entry-point') return isTableChannel(use.channel) ? this.start(use, use.channel) : say(NO_TABLE_CHANNEL);
    if (!use.guildId) return say(NOT_IN_GUILD);
    const channel = use.chosenChannel ?? use.channel;
    if (!isTableChannel(channel)) return say(NO_TABLE_CHANNEL);
    switch (command.subcommand) {
      case 'start':
        return this.start(use, channel);
      case 'link':
        return this.link(use, channel);
      case 'end':
        return this.end(use, channel);
    }
  }

  private async start(use: CommandUse, channel: ChannelRef): Promise<CommandReply> {
    const key = keyOf(use, channel);
    const table = await this.deps.tables.open(key, use.userId);
    // the activity launches where the command was used: only when that is the table's channel
    const launch = use.channel?.id === channel.id;
    this.deps.logger.info({ ...key, user: use.userId, launch }, 'table started from Discord');
    const host = table.hostId === use.userId ? ' You are its host.' : '';
    const where = launch ? 'The activity is opening here.' : `Open the activity in ${nameOf(channel)} to play.`;
    const { url } = this.deps.tables.invite(key);
    return say(`The table of ${nameOf(channel)} is open.${host} ${where}\nFrom a browser: ${url}`, launch);
  }

  private async link(use: CommandUse, channel: ChannelRef): Promise<CommandReply> {
    const key = keyOf(use, channel);
    if (!(await this.deps.tables.find(key))) return say(`${nameOf(channel)} has no table yet: start one with \`/table start\`.`);
    const { url, expiresAt } = this.deps.tables.invite(key);
    return say(`The table of ${nameOf(channel)} in a browser (until <t:${Math.floor(expiresAt / 1000)}:f>): ${url}`);
  }

  private async end(use: CommandUse, channel: ChannelRef): Promise<CommandReply> {
    const key = keyOf(use, channel);
    const table = await this.deps.tables.find(key);
    if (!table) return say(`${nameOf(channel)} has no table to close.`);
    const mayManage = (use.permissions & MANAGE_CHANNELS) === MANAGE_CHANNELS;
    // whoever runs the table now, as at the table: its host and game masters
    const runsIt = table.hostId === use.userId || table.gameMasterIds.includes(use.userId);
    if (!runsIt && !mayManage) {
      return say('Only the table\'s host or game masters, or someone who may manage this channel, can close it.');
    }
    const players = await this.deps.tables.close(key);
    this.deps.logger.info({ ...key, user: use.userId, players }, 'table closed from Discord');
    return { launch: false, content: `The table of ${nameOf(channel)} is closed (${players} let go). \`/table start\` reopens it where you left off.`, ephemeral: false };
  }
}

function keyOf(use: CommandUse, channel: ChannelRef): ChannelKey {
  return { guildId: use.guildId, channelId: channel.id };
}
