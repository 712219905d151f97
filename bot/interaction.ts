import { ChannelType } from 'discord.js';
import type { TableSubcommand } from './commands';

/** One command use, as both transports (gateway, HTTP interactions) describe it to the handlers. */
export interface CommandUse {
  command: { kind: 'table'; subcommand: TableSubcommand } | { kind: 'entry-point' } | { kind: 'unknown'; name: string };
  guildId: string | null;
  /** Where the command was used. */
  channel: ChannelRef | null;
  /** The `channel:` option, when given. */
  chosenChannel: ChannelRef | null;
  userId: string;
  /** The member's permissions in that channel; 0 outside a guild. */
  permissions: bigint;
}

export interface ChannelRef {
  id: string;
  type: number;
}

/** What the handlers answer: a message, and whether the activity is launched first. */
export interface CommandReply {
  launch: boolean;
  content: string;
  ephemeral: boolean;
}

export const MANAGE_CHANNELS = 1n << 4n;

/**
 * Channels that have a table: where the activity can launch (a guild's text or voice channel, a DM,
 * a group DM). Not stage channels: no activity launches there.
 */
const TABLE_CHANNELS: ReadonlySet<number> = new Set([ChannelType.GuildText, ChannelType.GuildVoice, ChannelType.DM, ChannelType.GroupDM]);

export function isTableChannel(channel: ChannelRef | null): channel is ChannelRef {
  return channel !== null && TABLE_CHANNELS.has(channel.type);
}

export function isPrivateChannel(channel: ChannelRef): boolean {
  return channel.type === ChannelType.DM || channel.type === ChannelType.GroupDM;
}
