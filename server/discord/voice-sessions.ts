import { createHmac } from 'node:crypto';
import { CHANNEL_DIGEST_LENGTH, CHANNEL_TABLE_PREFIX } from '../auth/table-access';

/**
 * The session of a voice channel: the same channel always maps to the same id, so the bot, the
 * activity and the server agree without a lookup; keyed by the server's secret, so an id cannot be
 * derived (or guessed) from the public guild and channel ids.
 */
export class VoiceSessions {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHmac('sha256', secret).update('gamebook-studio voice channel sessions').digest();
  }

  /** The session of a channel; DMs and group DMs have no guild, so they count under `@me`. */
  ofChannel(guildId: string | null, channelId: string): string {
    return this.idOf(guildId ?? '@me', channelId);
  }

  idOf(guildId: string, channelId: string): string {
    const digest = createHmac('sha256', this.key).update(`${guildId}:${channelId}`).digest('base64url');
    return `${CHANNEL_TABLE_PREFIX}${digest.slice(0, CHANNEL_DIGEST_LENGTH)}`;
  }
}

const DISCORD_USER = 'discord:';

/** Our user id of a Discord user. */
export function discordUserId(discordId: string): string {
  return `${DISCORD_USER}${discordId}`;
}

/** The Discord user id of one of our user ids; null for a user who is not a Discord user (a guest). */
export function discordIdOf(userId: string): string | null {
  return userId.startsWith(DISCORD_USER) ? userId.slice(DISCORD_USER.length) : null;
}
