import { ChannelType } from 'discord.js';
import type { DiscordPlace } from '../../shared/protocol';
import type { Logger } from '../logger';
import type { ActivityInstance, DiscordApi } from './discord-api';

const PRIVATE_CHANNELS: ReadonlySet<number> = new Set([ChannelType.DM, ChannelType.GroupDM]);
const VOICE_CHANNELS: ReadonlySet<number> = new Set([ChannelType.GuildVoice, ChannelType.GuildStageVoice]);

/** The kind of place of a Discord channel type: anything neither private nor voice is a text channel. */
export function placeKindOf(channelType: number): DiscordPlace['kind'] {
  if (PRIVATE_CHANNELS.has(channelType)) return 'dm';
  return VOICE_CHANNELS.has(channelType) ? 'voice' : 'text';
}

/**
 * Where an activity instance runs, named as the bot can read its channel. A channel it cannot read
 * (a DM of others, no access) still has a place: private (`pc`, no guild) is a DM, and a guild's
 * channel is taken as a voice channel, where activities mostly run; its name is then null. The
 * name is only shown, so a failed lookup never refuses the sign-in.
 */
export async function placeOf(api: Pick<DiscordApi, 'channel'>, location: ActivityInstance['location'], logger: Logger): Promise<DiscordPlace> {
  const guildId = location.guild_id ?? null;
  const channel = await api.channel(location.channel_id).catch((error: unknown) => {
    logger.info({ err: error, channelId: location.channel_id }, 'the bot cannot read the channel of an activity: it stays unnamed');
    return null;
  });
  const privately = location.kind === 'pc' || guildId === null;
  return {
    kind: channel ? placeKindOf(channel.type) : privately ? 'dm' : 'voice',
    channelId: location.channel_id,
    guildId,
    name: channel?.name ?? null,
  };
}
