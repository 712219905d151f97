import { Client, Events, GatewayIntentBits, Partials, type ClientOptions, type ChatInputCommandInteraction, type Interaction } from 'discord.js';
import { restOptions } from './discord-rest';
import { retryOnce } from './retry-once';
import { TABLE_COMMAND, TABLE_SUBCOMMANDS } from './commands';
import type { ChannelRef, CommandReply, CommandUse } from './interaction';
import type { TableCommands } from './table-commands';
import type { BotLogger } from './tables';

export interface GatewayOptions {
  botToken: string;
  apiBase: string;
  commands: TableCommands;
  logger: BotLogger;
  /** A follow-up after a launch that failed is sent once more after this. */
  followUpRetryMs: number;
  /** First retry delay; doubles up to maxDelayMs. */
  minDelayMs?: number;
  maxDelayMs?: number;
}

export interface BotGateway {
  stop(): Promise<void>;
}

/**
 * The bot on Discord's gateway (discord.js Client), serving the same command handlers as the HTTP
 * endpoint. It never takes the table server down: a failed login or a lost connection is logged
 * and retried with backoff.
 */
export function startGateway(options: GatewayOptions): BotGateway {
  const { logger } = options;
  let client: Client | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let delay = options.minDelayMs ?? 1000;

  const connect = async (): Promise<void> => {
    if (stopped) return;
    const current = new Client(gatewayClientOptions(options.apiBase));
    client = current;
    current.on(Events.Error, (error) => logger.warn({ err: error }, 'Discord gateway error'));
    listenForCommands(current, options.commands, logger, options.followUpRetryMs);
    current.once(Events.ClientReady, (ready) => {
      delay = options.minDelayMs ?? 1000;
      logger.info({ bot: ready.user.tag }, 'Discord bot connected to the gateway');
    });
    current.on(Events.ShardDisconnect, () => retry(current, 'the gateway closed the connection'));
    try {
      await current.login(options.botToken);
    } catch (error) {
      retry(current, error instanceof Error ? error.message : String(error));
    }
  };

  const retry = (failed: Client, reason: string): void => {
    if (stopped || client !== failed) return;
    client = null;
    void failed.destroy().catch(() => undefined);
    logger.warn({ reason, retryInMs: delay }, 'Discord gateway unavailable: the table keeps serving, retrying later');
    timer = setTimeout(() => void connect(), delay);
    timer.unref();
    delay = Math.min(delay * 2, options.maxDelayMs ?? 5 * 60_000);
  };

  void connect();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await client?.destroy().catch(() => undefined);
      client = null;
    },
  };
}

/** The bot's Client settings: guilds only, and partial channels so an uncached channel still reaches the handlers. */
export function gatewayClientOptions(apiBase: string): ClientOptions {
  return { intents: [GatewayIntentBits.Guilds], partials: [Partials.Channel], rest: restOptions(apiBase) };
}

/** Serves the table commands of `client`'s interactions (the gateway's transport of the shared handlers). */
export function listenForCommands(client: Client, commands: TableCommands, logger: BotLogger, followUpRetryMs: number): void {
  client.on(Events.InteractionCreate, (interaction) => void serve(interaction, { commands, logger, followUpRetryMs }));
}

interface Serving {
  commands: TableCommands;
  logger: BotLogger;
  followUpRetryMs: number;
}

async function serve(interaction: Interaction, { commands, logger, followUpRetryMs }: Serving): Promise<void> {
  if (!interaction.isChatInputCommand() && !interaction.isPrimaryEntryPointCommand()) return;
  try {
    const use: CommandUse = {
      command: interaction.isPrimaryEntryPointCommand() ? { kind: 'entry-point' } : tableCommandOf(interaction),
      guildId: interaction.guildId,
      channel: await channelOf(interaction),
      chosenChannel: chosenOf(interaction),
      userId: interaction.user.id,
      permissions: interaction.memberPermissions?.bitfield ?? 0n,
    };
    const reply: CommandReply = await commands.handle(use);
    if (reply.launch) {
      await interaction.launchActivity();
      const send = () => interaction.followUp({ content: reply.content, ephemeral: reply.ephemeral, allowedMentions: { parse: [] } });
      await retryOnce(send, followUpRetryMs, (error) => logger.info({ err: error, interaction: interaction.id }, 'the follow-up after a launch failed: sending it once more'));
    } else {
      await interaction.reply({ content: reply.content, ephemeral: reply.ephemeral, allowedMentions: { parse: [] } });
    }
  } catch (error) {
    logger.error({ err: error, interaction: interaction.id }, 'a gateway command failed');
  }
}

/** Where the command was used: from the cache (the gateway's guilds), else asked of Discord. */
async function channelOf(interaction: Interaction): Promise<ChannelRef | null> {
  const channel =
    interaction.channel ??
    (interaction.channelId
      ? await interaction.client.channels.fetch(interaction.channelId, { allowUnknownGuild: true }).catch(() => null)
      : null);
  return channel ? { id: channel.id, type: channel.type } : null;
}

function tableCommandOf(interaction: ChatInputCommandInteraction): CommandUse['command'] {
  const subcommand = interaction.options.getSubcommand(false);
  const known = TABLE_SUBCOMMANDS.find((candidate) => candidate === subcommand);
  if (interaction.commandName === TABLE_COMMAND && known) return { kind: 'table', subcommand: known };
  return { kind: 'unknown', name: interaction.commandName };
}

function chosenOf(interaction: Interaction): ChannelRef | null {
  if (!interaction.isChatInputCommand()) return null;
  const chosen = interaction.options.getChannel('channel', false);
  return chosen ? { id: chosen.id, type: chosen.type } : null;
}
