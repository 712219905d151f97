import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { discordRest } from '../bot/discord-rest';
import { registerCommands } from '../bot/register-commands';
import { DiscordStandIn } from './support/discord-stand-in';
import { postInteraction, tableInteraction } from './support/discord-interactions';
import { APP, BOT, CLIENT_SECRET, postJson, startDiscordServer, type DiscordTestServer } from './support/discord-server';
import { eventually } from './support/harness';

const TOKEN_CALL = /^POST \/api\/v10\/oauth2\/token$/;
const USER_CALL = /^GET \/api\/v10\/users\/@me$/;
const INSTANCE_CALL = /^GET \/api\/v10\/applications\/\d+\/activity-instances\//;
const UNKNOWN_WEBHOOK = { status: 404, body: { message: 'Unknown Webhook', code: 10015 } };

describe('Discord failing, slow or rate limiting (the token exchange and follow-ups)', () => {
  let app: DiscordTestServer;
  let discord: DiscordStandIn;

  before(async () => {
    app = await startDiscordServer({ DISCORD_INSTANCE_RETRY_MS: '100', DISCORD_FOLLOW_UP_RETRY_MS: '100' });
    discord = app.discord;
    discord.instances.set('i-1', { users: ['alice-id'], channelId: 'voice-1', guildId: 'guild-1' });
  });
  after(() => app?.stop());

  /** The token exchange for `userId` in `instanceId`, and how many calls of `pattern` Discord saw for it. */
  const exchange = async (pattern: RegExp, userId = 'alice-id', instanceId = 'i-1') => {
    const before = discord.callsTo(pattern).length;
    const answer = await postJson(`${app.server.url}/api/auth/discord`, { code: discord.codeFor({ id: userId, username: userId }), instanceId });
    return { ...answer, calls: discord.callsTo(pattern).length - before };
  };

  it('DR1: a 429 with a short retry_after is waited out and the call made once more: the sign-in goes through', async () => {
    discord.failNext(TOKEN_CALL, DiscordStandIn.rateLimited(0.2));
    const answer = await exchange(TOKEN_CALL);
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    assert.equal(answer.calls, 2);
  });

  it('DR2: a 429 asking for a long wait, or a second 429, is 503 discord-unavailable with Retry-After, not forbidden', async () => {
    discord.failNext(USER_CALL, DiscordStandIn.rateLimited(30));
    const long = await exchange(USER_CALL);
    assert.equal(long.status, 503);
    assert.equal(long.json.error.code, 'discord-unavailable');
    assert.equal(long.headers.get('retry-after'), '30');
    assert.equal(long.calls, 1, 'answered at once, without waiting');

    discord.failNext(INSTANCE_CALL, { status: 429, headers: { 'retry-after': '0' } }, 2);
    const twice = await exchange(INSTANCE_CALL);
    assert.equal(twice.status, 503);
    assert.equal(twice.json.error.code, 'discord-unavailable');
    assert.equal(twice.headers.get('retry-after'), '1');
    assert.equal(twice.calls, 2);
  });

  it('DR3: Discord failing (5xx), or refusing the bot\'s own call, is 503 discord-unavailable; only the user\'s refused code or token is 403 forbidden', async () => {
    for (const [pattern, status] of [[TOKEN_CALL, 500], [USER_CALL, 502], [INSTANCE_CALL, 503], [INSTANCE_CALL, 401], [INSTANCE_CALL, 403]] as const) {
      discord.failNext(pattern, { status, body: { message: 'stand-in failure' } });
      const answer = await exchange(pattern);
      assert.deepEqual([answer.status, answer.json.error.code], [503, 'discord-unavailable'], `${pattern} ${status}`);
    }
    for (const [pattern, status] of [[TOKEN_CALL, 400], [TOKEN_CALL, 401], [USER_CALL, 401], [USER_CALL, 403]] as const) {
      discord.failNext(pattern, { status, body: { message: 'refused' } });
      const answer = await exchange(pattern);
      assert.deepEqual([answer.status, answer.json.error.code], [403, 'forbidden'], `${pattern} ${status}`);
    }
  });

  it('DR3: Discord unreachable is 503 discord-unavailable too', async () => {
    const cut = await startDiscordServer({ DISCORD_API_BASE: 'http://127.0.0.1:9/api/v10' });
    try {
      const answer = await postJson(`${cut.server.url}/api/auth/discord`, { code: 'any', instanceId: 'i-1' });
      assert.deepEqual([answer.status, answer.json.error.code], [503, 'discord-unavailable']);
    } finally {
      await cut.stop();
    }
  });

  it('DR4: a player who just launched and is not yet in the instance\'s users is looked for once more; one never listed gets not-in-instance', async () => {
    discord.instances.set('i-arriving', { users: ['alice-id'], arriving: ['bob-id'], channelId: 'voice-2', guildId: 'guild-1' });
    const bob = await exchange(INSTANCE_CALL, 'bob-id', 'i-arriving');
    assert.equal(bob.status, 200, JSON.stringify(bob.json));
    assert.equal(bob.calls, 2);
    const mallory = await exchange(INSTANCE_CALL, 'mallory-id', 'i-arriving');
    assert.deepEqual([mallory.status, mallory.json.error.code, mallory.calls], [403, 'not-in-instance', 2]);
    const listed = await exchange(INSTANCE_CALL, 'alice-id', 'i-arriving');
    assert.equal(listed.calls, 1, 'a listed player is not kept waiting');
  });

  it('DR5: the follow-up after LAUNCH_ACTIVITY (HTTP interactions) that Discord refuses is sent once more after a moment, and only once', async () => {
    for (const [failures, expected] of [[1, 2], [2, 2]] as const) {
      const raw = tableInteraction(APP, 'start', { channel: { id: `voice-f${failures}`, type: 2 }, userId: 'host-f' });
      const followUpCall = new RegExp(`^POST /api/v10/webhooks/${APP}/${raw.token}$`);
      discord.failNext(followUpCall, UNKNOWN_WEBHOOK, failures);
      const answer = await postInteraction(app.server.url, app.privateKey, raw);
      assert.deepEqual(answer.json, { type: 12 });
      const followUps = () => discord.callsTo(followUpCall).length;
      await eventually(() => followUps() === expected, 5000, `${expected} follow-ups`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(followUps(), expected, 'no third attempt');
    }
  });

  it('DR8: an answer past the 1 MiB the server reads of one is 503 discord-unavailable, whether its size is declared or not', async () => {
    const huge = { access_token: 'x', padding: 'x'.repeat(2 * 1024 * 1024) };
    for (const streamed of [false, true]) {
      discord.failNext(TOKEN_CALL, { status: 200, body: huge, streamed });
      const answer = await exchange(TOKEN_CALL);
      assert.deepEqual([answer.status, answer.json.error.code], [503, 'discord-unavailable'], `streamed: ${streamed}`);
      assert.match(answer.json.error.message, /over 1048576 bytes/);
    }
    const after = await exchange(TOKEN_CALL);
    assert.equal(after.status, 200, 'the next sign-in goes through');
  });
});

describe('commands registration and installs', () => {
  let discord: DiscordStandIn;
  before(async () => {
    discord = await new DiscordStandIn(APP, BOT, CLIENT_SECRET).start();
  });
  after(() => discord?.stop());

  const entryPoint = () => discord.commands.find((command) => command.type === 4)!;

  it('DR6: the default Entry Point command is for guild installs only, which Discord takes without User Install; user installs only when asked', async () => {
    const rest = discordRest(discord.apiBase, BOT);
    await registerCommands(rest, APP, { userInstall: false });
    assert.deepEqual([entryPoint().integration_types, entryPoint().contexts], [[0], [0, 1]]);
    assert.deepEqual(discord.commands.find((command) => command.name === 'table')!.integration_types, [0]);

    discord.commands = [];
    await assert.rejects(registerCommands(rest, APP, { userInstall: true }), /user install is not enabled/);
    discord.userInstall = true;
    await registerCommands(rest, APP, { userInstall: true });
    assert.deepEqual([entryPoint().integration_types, entryPoint().contexts], [[0, 1], [0, 1, 2]]);
  });

  it('DR7: npm run bot:register needs only the app id and bot token, and honours DISCORD_USER_INSTALL', async () => {
    const run = (env: Record<string, string>) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', 'bot/register.ts'], { env: { PATH: process.env.PATH, LOG_LEVEL: 'silent', ...env } });
    discord.commands = [];
    discord.userInstall = false;
    await run({ DISCORD_CLIENT_ID: APP, DISCORD_BOT_TOKEN: BOT, DISCORD_API_BASE: discord.apiBase });
    assert.deepEqual(entryPoint().integration_types, [0]);
    discord.commands = [];
    discord.userInstall = true;
    await run({ DISCORD_CLIENT_ID: APP, DISCORD_BOT_TOKEN: BOT, DISCORD_API_BASE: discord.apiBase, DISCORD_USER_INSTALL: 'true' });
    assert.deepEqual(entryPoint().integration_types, [0, 1]);
    const missing = await run({ DISCORD_CLIENT_ID: APP }).then(() => null, (error: { code: number; stderr: string }) => error);
    assert.equal(missing?.code, 1);
    assert.match(missing!.stderr, /DISCORD_BOT_TOKEN/);
  });
});
