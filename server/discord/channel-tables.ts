import type { Server } from 'socket.io';
import type { ChannelKey, ChannelTables, TableOfChannel } from '../../bot/tables';
import { ProtocolError } from '../../shared/errors';
import type { GameSession } from '../sessions/game-session';
import type { JoinLinks } from './join-links';
import { roomOf } from '../transport/rooms';
import type { SessionRegistry } from '../sessions/session-registry';
import { discordIdOf, discordUserId, type VoiceSessions } from './voice-sessions';

export interface ServerChannelTablesDeps {
  voice: VoiceSessions;
  registry: Pick<SessionRegistry, 'ensure' | 'get'>;
  links: JoinLinks;
  io: Server;
}

/** Server event: the table was closed from Discord (`/table end`); the socket is let go right after. */
export const TABLE_CLOSED_EVENT = 'table-closed';

/** The tables of Discord channels, as the bot sees them (bot/tables.ts), on this server's sessions. */
export class ServerChannelTables implements ChannelTables {
  constructor(private readonly deps: ServerChannelTablesDeps) {}

  sessionOf(channel: ChannelKey): string {
    return this.deps.voice.ofChannel(channel.guildId, channel.channelId);
  }

  async open(channel: ChannelKey, userId: string): Promise<TableOfChannel> {
    return tableOf(await this.deps.registry.ensure(this.sessionOf(channel), discordUserId(userId)));
  }

  async find(channel: ChannelKey): Promise<TableOfChannel | null> {
    const session = await this.session(channel);
    return session && tableOf(session);
  }

  invite(channel: ChannelKey): { url: string; expiresAt: number } {
    const { url, expiresAt } = this.deps.links.invite(this.sessionOf(channel));
    return { url, expiresAt };
  }

  /**
   * In the table's turn, so a join in progress ends first (its socket is then in the room and
   * told) and none starts half way: every socket of the table gets `table-closed`, then is let go.
   */
  async close(channel: ChannelKey): Promise<number> {
    const session = await this.session(channel);
    if (!session) return 0;
    return session.exclusive(async () => {
      const room = this.deps.io.in(roomOf(session.id));
      const sockets = await room.fetchSockets();
      room.emit(TABLE_CLOSED_EVENT, { sessionId: session.id });
      room.disconnectSockets(true);
      return sockets.length;
    });
  }

  private async session(channel: ChannelKey): Promise<GameSession | null> {
    try {
      return await this.deps.registry.get(this.sessionOf(channel));
    } catch (error) {
      if (error instanceof ProtocolError && error.code === 'unknown-session') return null;
      throw error;
    }
  }
}

/** Who runs the table now, from its roles: not its creator (`meta.hostId`), who may have handed it over. */
function tableOf(session: GameSession): TableOfChannel {
  const { hostId, gameMasters } = session.table.roles;
  return { hostId: discordIdOf(hostId), gameMasterIds: gameMasters.map(discordIdOf).filter((id): id is string => id !== null) };
}
