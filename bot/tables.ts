/**
 * What the bot needs of the table server, and nothing more: the bot owns this interface and the
 * server implements it (server/discord/channel-tables.ts), so bot/ imports nothing from server/.
 * Every channel the activity can launch in has one table: a guild's text or voice channel, a DM.
 */
export interface ChannelTables {
  /** Opens the channel's table (or finds it open); `userId`, a Discord user id, hosts it if it is new. */
  open(channel: ChannelKey, userId: string): Promise<TableOfChannel>;
  /** The channel's table; null when none was ever opened. */
  find(channel: ChannelKey): Promise<TableOfChannel | null>;
  /** A signed, expiring link that lets a browser in (`expiresAt` in ms). */
  invite(channel: ChannelKey): { url: string; expiresAt: number };
  /** Tells every player at the table it closed and lets them go; resolves with how many there were. */
  close(channel: ChannelKey): Promise<number>;
}

export interface ChannelKey {
  /** null in a DM or group DM. */
  guildId: string | null;
  channelId: string;
}

export interface TableOfChannel {
  /** The Discord user id of its host now (after a hand-over, the new one); null when its host is not a Discord user. */
  hostId: string | null;
  /** The Discord user ids of its game masters (co-hosts) now; those who are not Discord users are left out. */
  gameMasterIds: string[];
}

/** The log lines the bot writes (pino's loggers are such). */
export interface BotLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}
