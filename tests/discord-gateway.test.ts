import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from 'discord.js';
import { Server } from 'socket.io';
import { gatewayClientOptions, listenForCommands } from '../bot/gateway';
import { TableCommands } from '../bot/table-commands';
import { ServerChannelTables } from '../server/discord/channel-tables';
import { JoinLinks } from '../server/discord/join-links';
import { VoiceSessions } from '../server/discord/voice-sessions';
import { createLogger } from '../server/logger';
import { DiscordStandIn } from './support/discord-stand-in';
import { entryPointInteraction, tableInteraction } from './support/discord-interactions';
import { eventually, startTestServer, type TestServer } from './support/harness';

const APP = '100000000000000003';
const SECRET = 'gateway-test-secret-that-is-long-enough';
const FOLLOW_UP_RETRY_MS = 200;

/**
 * The gateway transport: a real discord.js Client (never logged in) is handed interactions as its
 * gateway would hand them, and answers through its REST client, aimed at the stand-in.
 */
describe('the gateway bot (discord.js Client) serves the same command handlers', () => {
  const discord = new DiscordStandIn(APP, 'bot-token-gateway', 'secret-gateway');
  const voice = new VoiceSessions(SECRET);
  let server: TestServer;
  let client: Client;
  let receive: (raw: unknown) => void;

  before(async () => {
    await discord.start();
    server = await startTestServer({ SESSION_SECRET: SECRET });
    // no table is closed here: a Socket.IO server with no sockets stands for the server's
    const links = new JoinLinks(SECRET, 60_000, 'https://table.example');
    const tables = new ServerChannelTables({ voice, registry: server.registry, links, io: new Server() });
    const commands = new TableCommands({ tables, logger: createLogger('silent') });
    for (const [id, type] of [['voice-g', 2], ['text-g', 0], ['voice-h', 2], ['voice-r', 2]] as const) discord.channels.set(id, { id, type, guild_id: 'guild-1' });
    // as after login: the token set, but the guild not cached (so channels are asked of Discord)
    client = new Client(gatewayClientOptions(discord.apiBase));
    client.rest.setToken('bot-token-gateway');
    listenForCommands(client, commands, createLogger('silent'), FOLLOW_UP_RETRY_MS);
    const actions = (client as unknown as { actions: { InteractionCreate: { handle(raw: unknown): void } } }).actions;
    receive = (raw) => actions.InteractionCreate.handle(raw);
  });

  after(async () => {
    await client?.destroy();
    await server?.stop();
    await discord.stop();
  });

  const callbacksOf = (token: string) => discord.callsTo(new RegExp(`^POST /api/v10/interactions/\\d+/${token}/callback$`));
  const followUpsOf = (token: string) => discord.callsTo(new RegExp(`^POST /api/v10/webhooks/${APP}/${token}$`));

  it('/table start in a voice channel: launchActivity() (callback type 12), then the link as a follow-up', async () => {
    const raw = tableInteraction(APP, 'start', { channel: { id: 'voice-g', type: 2 }, userId: 'gina' });
    receive(raw);
    await eventually(() => followUpsOf(raw.token).length === 1, 5000, 'the follow-up');
    assert.equal((callbacksOf(raw.token)[0]!.body as { type: number }).type, 12);
    assert.match((followUpsOf(raw.token)[0]!.body as { content: string }).content, /https:\/\/table\.example\/join\//);
    assert.equal((await server.registry.get(voice.idOf('guild-1', 'voice-g'))).meta.hostId, 'discord:gina');
  });

  it('/table link in a text channel without a table: an ephemeral reply through the callback', async () => {
    const raw = tableInteraction(APP, 'link', { channel: { id: 'text-g', type: 0 }, userId: 'gina' });
    receive(raw);
    await eventually(() => callbacksOf(raw.token).length === 1, 5000, 'the reply');
    const body = callbacksOf(raw.token)[0]!.body as { type: number; data: { content: string; flags: number } };
    assert.equal(body.type, 4);
    assert.equal(body.data.flags & 64, 64);
    assert.match(body.data.content, /<#text-g> has no table yet/);
  });

  it('the Entry Point command launches the activity', async () => {
    const raw = entryPointInteraction(APP, { channel: { id: 'voice-h', type: 2 }, userId: 'hal' });
    receive(raw);
    await eventually(() => callbacksOf(raw.token).length === 1, 5000, 'the launch');
    assert.equal((callbacksOf(raw.token)[0]!.body as { type: number }).type, 12);
  });

  it('DR8: a follow-up after launchActivity() that Discord refuses is sent once more after a moment', async () => {
    const raw = tableInteraction(APP, 'start', { channel: { id: 'voice-r', type: 2 }, userId: 'rae' });
    discord.failNext(new RegExp(`^POST /api/v10/webhooks/${APP}/${raw.token}$`), { status: 404, body: { message: 'Unknown Webhook', code: 10015 } });
    receive(raw);
    await eventually(() => followUpsOf(raw.token).length === 2, 5000, 'the follow-up sent again');
    assert.match((followUpsOf(raw.token)[1]!.body as { content: string }).content, /https:\/\/table\.example\/join\//);
  });
});
