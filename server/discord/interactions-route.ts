import express, { Router } from 'express';
import type { REST } from 'discord.js';
import { followUp, messageOf } from '../../bot/discord-rest';
import { commandUseOf, InteractionType, rawInteractionSchema } from '../../bot/raw-interaction';
import { retryOnce } from '../../bot/retry-once';
import type { TableCommands } from '../../bot/table-commands';
import { tryParseJson } from '../../shared/json';
import { refuse } from '../http/http-errors';
import type { Logger } from '../logger';
import { SeenInteractions } from './seen-interactions';
import { checkSignature, DEFAULT_MAX_SKEW_SECONDS, discordPublicKey } from './signature';

export interface InteractionsRouteOptions {
  publicKey: string;
  commands: TableCommands;
  rest: REST;
  logger: Logger;
  /** A follow-up that failed is sent once more after this. */
  followUpRetryMs: number;
  maxSkewSeconds?: number;
}

const LAUNCH_ACTIVITY = 12;
const CHANNEL_MESSAGE = 4;
const PONG = 1;

/** POST /api/discord/interactions: Discord's HTTP interactions endpoint, Ed25519-verified. */
export function createInteractionsRoute(options: InteractionsRouteOptions): Router {
  const router = Router();
  const key = discordPublicKey(options.publicKey);
  const { logger } = options;
  const maxSkewSeconds = options.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS;
  const seen = new SeenInteractions(2 * maxSkewSeconds * 1000);

  router.post('/api/discord/interactions', express.raw({ type: () => true, limit: '64kb' }), async (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const check = checkSignature(key, req.get('x-signature-ed25519'), req.get('x-signature-timestamp'), body, { maxSkewSeconds });
    if (check !== 'ok') {
      logger.warn({ check }, 'refused an interaction without a valid signature');
      refuse(req, res, 'unauthorized', check === 'stale' ? 'stale timestamp' : 'bad signature');
      return;
    }
    const parsed = rawInteractionSchema.safeParse(tryParseJson(body.toString('utf8')));
    if (!parsed.success) {
      refuse(req, res, 'invalid-payload', 'not an interaction');
      return;
    }
    const interaction = parsed.data;
    if (interaction.type === InteractionType.Ping) {
      res.json({ type: PONG });
      return;
    }
    const use = interaction.type === InteractionType.ApplicationCommand ? commandUseOf(interaction) : null;
    if (!use) {
      refuse(req, res, 'invalid-payload', `interactions of type ${interaction.type} are not handled`);
      return;
    }
    if (!seen.firstSight(interaction.id)) {
      logger.warn({ interaction: interaction.id, command: use.command }, 'refused a replayed interaction');
      refuse(req, res, 'unauthorized', 'replayed interaction');
      return;
    }
    const reply = await options.commands.handle(use).catch((error: unknown) => {
      logger.error({ err: error, interaction: interaction.id, command: use.command }, 'a command failed');
      return { launch: false, content: 'Something went wrong on the table server: try again in a moment.', ephemeral: true };
    });
    if (!reply.launch) {
      res.json({ type: CHANNEL_MESSAGE, data: messageOf(reply) });
      return;
    }
    res.json({ type: LAUNCH_ACTIVITY });
    const send = () => followUp(options.rest, interaction.application_id, interaction.token, reply);
    const retrying = (error: unknown) => logger.info({ err: error, interaction: interaction.id }, 'the follow-up after a launch failed: sending it once more');
    retryOnce(send, options.followUpRetryMs, retrying).catch((error: unknown) =>
      logger.warn({ err: error, interaction: interaction.id }, 'could not send the table link after launching the activity'),
    );
  });
  return router;
}
