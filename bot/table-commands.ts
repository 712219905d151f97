import { ProtocolError } from '../shared/errors';
import type { GameSession } from '../server/game-session';
import type { JoinLinks } from '../server/discord/join-links';
import { discordUserId, type VoiceSessions } from '../server/discord/voice-sessions';
import type { Logger } from '../server/logger';
import type { SessionRegistry } from '../server/session-registry';
import { isVoice, MANAGE_CHANNELS, type ChannelRef, type CommandReply, type CommandUse } from './interaction';

export interface TableCommandDeps {
  voice: VoiceSessions;
  registry: Pick<SessionRegistry, 'ensure' | 'get'>;
  links: JoinLinks;
  /** Closes a table: everyone in it is told and let go. Resolves with how many were in it. */
  closeTable(sessionId: string): Promise<number>;
  logger: Logger;
}

const NOT_IN_GUILD = 'Tables belong to a server\'s voice channels: use this command in a server.';
const NO_VOICE_CHANNEL =
  'Use this in a voice channel\'s chat, or name one with `channel:`. (Join the voice channel first to play.)';

const say = (content: string, launch = false): CommandReply => ({ launch, content, ephemeral: true });

/**
 * The bot's commands, whichever transport brought them (the gateway or the HTTP interactions
 * endpoint): `/table start|link|end` and the activity's Entry Point command.
 */
export class TableCommands {
  constructor(private readonly deps: TableCommandDeps) {}

  async handle(use: CommandUse): Promise<CommandReply> {
    const { command } = use;
    if (command.kind === 'unknown') return say(`I do not know the command \`/${command.name}\`.`);
    if (!use.guildId) return say(NOT_IN_GUILD);
    if (command.kind === 'entry-point') return this.start(use, use.guildId, use.channel);
    const channel = use.chosenChannel ?? use.channel;
    if (!isVoice(channel)) return say(NO_VOICE_CHANNEL);
    switch (command.subcommand) {
      case 'start':
        return this.start(use, use.guildId, channel);
      case 'link':
        return this.link(use.guildId, channel);
      case 'end':
        return this.end(use, use.guildId, channel);
    }
  }

  private async start(use: CommandUse, guildId: string, channel: ChannelRef | null): Promise<CommandReply> {
    if (!isVoice(channel)) return say(NO_VOICE_CHANNEL);
    const sessionId = this.deps.voice.idOf(guildId, channel.id);
    const session = await this.deps.registry.ensure(sessionId, discordUserId(use.userId));
    // the activity launches where the command was used: only when that is the table's voice channel
    const launch = use.channel?.id === channel.id;
    this.deps.logger.info({ guildId, channelId: channel.id, sessionId, user: use.userId, launch }, 'table started from Discord');
    const host = session.meta.hostId === discordUserId(use.userId) ? ' You are its host.' : '';
    const where = launch ? 'The activity is opening here.' : `Open the activity in <#${channel.id}> to play.`;
    return say(`The table of <#${channel.id}> is open.${host} ${where}\nFrom a browser: ${this.deps.links.invite(sessionId).url}`, launch);
  }

  private async link(guildId: string, channel: ChannelRef): Promise<CommandReply> {
    const sessionId = this.deps.voice.idOf(guildId, channel.id);
    if (!(await this.find(sessionId))) return say(`<#${channel.id}> has no table yet: start one with \`/table start\`.`);
    const { url, expiresAt } = this.deps.links.invite(sessionId);
    return say(`The table of <#${channel.id}> in a browser (until <t:${Math.floor(expiresAt / 1000)}:f>): ${url}`);
  }

  private async end(use: CommandUse, guildId: string, channel: ChannelRef): Promise<CommandReply> {
    const sessionId = this.deps.voice.idOf(guildId, channel.id);
    const session = await this.find(sessionId);
    if (!session) return say(`<#${channel.id}> has no table to close.`);
    const { hostId } = session.meta;
    const mayManage = (use.permissions & MANAGE_CHANNELS) === MANAGE_CHANNELS;
    if (hostId !== discordUserId(use.userId) && !mayManage) {
      return say('Only the table\'s host, or someone who may manage this channel, can close it.');
    }
    const players = await this.deps.closeTable(sessionId);
    this.deps.logger.info({ guildId, channelId: channel.id, sessionId, user: use.userId, players }, 'table closed from Discord');
    return { launch: false, content: `The table of <#${channel.id}> is closed (${players} let go). \`/table start\` reopens it where you left off.`, ephemeral: false };
  }

  private async find(sessionId: string): Promise<GameSession | null> {
    try {
      return await this.deps.registry.get(sessionId);
    } catch (error) {
      if (error instanceof ProtocolError && error.code === 'unknown-session') return null;
      throw error;
    }
  }
}
