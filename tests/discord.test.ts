import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../server/config';
import { JoinLinks } from '../server/discord/join-links';
import { VoiceSessions } from '../server/discord/voice-sessions';
import { discordRest, discordRoute } from '../bot/discord-rest';
import { registerCommands } from '../bot/register-commands';
import { eventually, guestToken, nextEvent, openSocket, request, startTestServer, type TestServer } from './support/harness';
import { DiscordStandIn } from './support/discord-stand-in';
import { SeenInteractions } from '../server/discord/seen-interactions';
import { entryPointInteraction, interactionKeys, postInteraction, tableInteraction } from './support/discord-interactions';
import { APP, BOT, CLIENT_SECRET, postJson, SECRET, startDiscordServer, type DiscordTestServer } from './support/discord-server';

const VOICE = { id: 'voice-1', type: 2 };
const TEXT = { id: 'text-1', type: 0 };
const STAGE = { id: 'stage-1', type: 13 };
const EPHEMERAL = 64;
const MANAGE_CHANNELS = 1n << 4n;

const inviteOf = (text: string): string => {
  const match = /\/join\/([^\s)]+)/.exec(text);
  assert.ok(match, `no join link in: ${text}`);
  return match[1]!;
};

describe('Discord', () => {
  const voice = new VoiceSessions(SECRET);
  const tableOfVoice = voice.idOf('guild-1', VOICE.id);
  let app: DiscordTestServer;
  let server: TestServer;
  let discord: DiscordStandIn;

  before(async () => {
    app = await startDiscordServer();
    ({ server, discord } = app);
  });
  after(() => app?.stop());

  const interact = (body: unknown, options = {}) => postInteraction(server.url, app.privateKey, body, options);
  const exchange = (code: string, instanceId: string) => postJson(`${server.url}/api/auth/discord`, { code, instanceId });

  describe('interactions endpoint', () => {
    it('answers PING with type 1', async () => {
      const answer = await interact({ id: '1', application_id: APP, type: 1, token: 't' });
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.json, { type: 1 });
    });

    it('refuses a bad signature, a tampered body and a stale timestamp with 401', async () => {
      const ping = { id: '1', application_id: APP, type: 1, token: 't' };
      assert.equal((await interact(ping, { signWith: interactionKeys().privateKey })).status, 401);
      assert.equal((await interact(ping, { tamper: true })).status, 401);
      const stale = await interact(ping, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
      assert.equal(stale.status, 401);
      assert.equal(stale.json.error.message, 'stale timestamp');
      const unsigned = await fetch(`${server.url}/api/discord/interactions`, { method: 'POST', body: JSON.stringify(ping) });
      assert.equal(unsigned.status, 401);
    });

    it('remembers a command\'s id for twice the signature\'s skew after it was taken (a replay is possible that long), then forgets it', () => {
      let now = 0;
      const seen = new SeenInteractions(600_000, () => now);
      assert.equal(seen.firstSight('a'), true);
      now = 100_000;
      assert.equal(seen.firstSight('b'), true);
      now = 599_999;
      assert.deepEqual([seen.firstSight('a'), seen.firstSight('b')], [false, false]);
      now = 600_000;
      assert.equal(seen.size, 2);
      assert.equal(seen.firstSight('c'), true);
      assert.equal(seen.size, 2, 'a was forgotten once its time was up');
      assert.equal(seen.firstSight('b'), false);
      now = 700_000;
      assert.deepEqual([seen.firstSight('a'), seen.firstSight('b')], [true, true]);
    });

    it('reads options three deep, as Discord nests them: a signed body nested a thousand deep is answered, not a failure', async () => {
      const command = tableInteraction(APP, 'link', { channel: VOICE, userId: 'u-8', guildId: 'guild-8' });
      let options: unknown[] = [];
      for (let depth = 0; depth < 1000; depth++) options = [{ name: 'o', type: 1, options }];
      const deep = await interact({ ...command, data: { ...command.data, options: [{ name: 'link', type: 1, options }] } });
      assert.deepEqual([deep.status, deep.json.type], [200, 4]);
      assert.match(deep.json.data.content, /no table/);
    });

    it('refuses an unknown command with an ephemeral answer, and creates nothing', async () => {
      const answer = await interact(tableInteraction(APP, 'explode', { channel: VOICE, userId: 'u-9', guildId: 'guild-9' }));
      assert.equal(answer.json.type, 4);
      assert.equal(answer.json.data.flags, EPHEMERAL);
      assert.match(answer.json.data.content, /do not know the command `\/table explode`/);
      await assert.rejects(server.registry.get(voice.idOf('guild-9', VOICE.id)), { code: 'unknown-session' });
    });

    it('/table start in a voice channel creates its session, launches the activity and follows up with a link that works', async () => {
      const answer = await interact(tableInteraction(APP, 'start', { channel: VOICE, userId: 'host-1' }));
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.json, { type: 12 });
      const session = await server.registry.get(tableOfVoice);
      assert.equal(session.meta.hostId, 'discord:host-1');
      await eventually(() => discord.callsTo(/^POST \/api\/v10\/webhooks\//).length > 0, 5000, 'the follow-up');
      const followUp = discord.callsTo(/^POST \/api\/v10\/webhooks\//).at(-1)!;
      const content = (followUp.body as { content: string; flags: number }).content;
      assert.equal((followUp.body as { flags: number }).flags, EPHEMERAL);
      assert.match(content, /https:\/\/table\.example\/join\//);

      const joined = await postJson(`${server.url}/api/auth/invite`, { invite: inviteOf(content), name: 'Browser Bea' });
      assert.equal(joined.status, 200);
      assert.equal(joined.json.sessionId, tableOfVoice);
      const socket = await openSocket(server.url, joined.json.token);
      try {
        const ack = await request(socket, 'join-session', tableOfVoice);
        assert.deepEqual(ack, { ok: true, sessionId: tableOfVoice, role: 'player', maxUpdateBytes: 1024 * 1024 });
      } finally {
        socket.close();
      }
    });

    it('/table start again reuses the same session (same channel, same id), another user is not its host', async () => {
      const answer = await interact(tableInteraction(APP, 'start', { channel: VOICE, userId: 'someone-else' }));
      assert.deepEqual(answer.json, { type: 12 });
      assert.equal((await server.registry.get(tableOfVoice)).meta.hostId, 'discord:host-1');
    });

    it('/table start where no table can be (a stage channel) answers ephemerally; outside a server it says so; with channel: it opens that table without launching', async () => {
      const outside = await interact(tableInteraction(APP, 'start', { channel: STAGE, userId: 'u-2', guildId: 'guild-2' }));
      assert.equal(outside.json.type, 4);
      assert.equal(outside.json.data.flags, EPHEMERAL);
      assert.match(outside.json.data.content, /text or voice channel.*Stage channels have no table/s);
      await assert.rejects(server.registry.get(voice.idOf('guild-2', STAGE.id)), { code: 'unknown-session' });

      const dm = await interact(tableInteraction(APP, 'start', { channel: null, userId: 'u-2', guildId: null }));
      assert.match(dm.json.data.content, /server/);

      const chosen = await interact(tableInteraction(APP, 'start', { channel: TEXT, userId: 'u-2', guildId: 'guild-2', chosen: VOICE }));
      assert.equal(chosen.json.type, 4);
      assert.match(chosen.json.data.content, /\/join\//);
      assert.match(chosen.json.data.content, /Open the activity in <#voice-1> to play/);
      assert.equal((await server.registry.get(voice.idOf('guild-2', VOICE.id))).meta.hostId, 'discord:u-2');
    });

    it('/table link answers the browser link, or says there is no table yet', async () => {
      const answer = await interact(tableInteraction(APP, 'link', { channel: VOICE, userId: 'u-3' }));
      assert.equal(answer.json.type, 4);
      assert.equal(answer.json.data.flags, EPHEMERAL);
      const joined = await postJson(`${server.url}/api/auth/invite`, { invite: inviteOf(answer.json.data.content), name: 'B' });
      assert.equal(joined.json.sessionId, tableOfVoice);

      const none = await interact(tableInteraction(APP, 'link', { channel: { id: 'voice-empty', type: 2 }, userId: 'u-3' }));
      assert.match(none.json.data.content, /no table yet/);
    });

    it('the Entry Point command opens the table and launches the activity', async () => {
      const answer = await interact(entryPointInteraction(APP, { channel: { id: 'voice-ep', type: 2 }, userId: 'u-ep' }));
      assert.deepEqual(answer.json, { type: 12 });
      assert.equal((await server.registry.get(voice.idOf('guild-1', 'voice-ep'))).meta.hostId, 'discord:u-ep');
    });

    it('/table end: refused to a player without rights, done by the host, whose players are let go', async () => {
      const channel = { id: 'voice-end', type: 2 };
      await interact(tableInteraction(APP, 'start', { channel, userId: 'host-end' }));
      const sessionId = voice.idOf('guild-1', channel.id);
      const player = await openSocket(server.url, server.tokens.issue({ sub: 'discord:p', name: 'P', kind: 'discord', sessions: [sessionId] }));
      await request(player, 'join-session', sessionId);

      const refused = await interact(tableInteraction(APP, 'end', { channel, userId: 'player-end' }));
      assert.equal(refused.json.data.flags, EPHEMERAL);
      assert.match(refused.json.data.content, /Only the table's host/);
      assert.ok(player.connected);

      const closed = nextEvent(player, 'table-closed');
      const ended = await interact(tableInteraction(APP, 'end', { channel, userId: 'host-end' }));
      assert.match(ended.json.data.content, /is closed \(1 let go\)/);
      assert.deepEqual(await closed, { sessionId });
      await eventually(() => !player.connected, 5000, 'the player to be let go');

      await interact(tableInteraction(APP, 'start', { channel, userId: 'host-end' }));
      const byManager = await interact(tableInteraction(APP, 'end', { channel, userId: 'mod', permissions: MANAGE_CHANNELS }));
      assert.match(byManager.json.data.content, /is closed/);
    });
  });

  describe('join links and guests', () => {
    it('an expired or tampered join link is refused; a guest token cannot join a voice channel table', async () => {
      const expired = new JoinLinks(SECRET, -1000, 'https://table.example').invite(tableOfVoice).invite;
      const late = await postJson(`${server.url}/api/auth/invite`, { invite: expired, name: 'Late' });
      assert.equal(late.status, 403);
      assert.equal(late.json.error.code, 'forbidden');
      const valid = new JoinLinks(SECRET, 60_000, 'https://table.example').invite(tableOfVoice).invite;
      const forged = valid.replace(/\.[^.]+\.[^.]+$/, `.${Buffer.from('vc-other').toString('base64url')}.${valid.split('.')[2]}`);
      assert.equal((await postJson(`${server.url}/api/auth/invite`, { invite: forged, name: 'F' })).status, 403);

      const guest = await openSocket(server.url, await guestToken(server.url));
      try {
        const ack = await request(guest, 'join-session', tableOfVoice);
        assert.equal(ack.ok, false);
        assert.equal(ack.error.code, 'forbidden');
      } finally {
        guest.close();
      }
    });

    it('a guest who opens a join link keeps its identity and gains that table', async () => {
      const token = await guestToken(server.url, 'Gil');
      const invite = new JoinLinks(SECRET, 60_000, 'https://table.example').invite(tableOfVoice).invite;
      const answer = await postJson(`${server.url}/api/auth/invite`, { invite }, token);
      assert.equal(answer.status, 200);
      assert.equal(answer.json.user.id, server.tokens.verify(token)!.sub);
      assert.deepEqual(server.tokens.verify(answer.json.token)!.sessions, [tableOfVoice]);
    });
  });

  describe('token exchange (POST /api/auth/discord)', () => {
    before(() => {
      discord.instances.set('instance-1', { users: ['alice-id', 'bob-id'], channelId: 'voice-act', guildId: 'guild-1' });
    });

    it('a user listed in the instance gets a token for the voice channel session, and two of them share edits', async () => {
      const alice = await exchange(discord.codeFor({ id: 'alice-id', username: 'alice', global_name: 'Alice' }), 'instance-1');
      assert.equal(alice.status, 200);
      const sessionId = voice.idOf('guild-1', 'voice-act');
      assert.equal(alice.json.sessionId, sessionId);
      assert.equal(typeof alice.json.access_token, 'string');
      assert.deepEqual(alice.json.user, { id: 'discord:alice-id', name: 'Alice', avatar: null });
      const bob = await exchange(discord.codeFor({ id: 'bob-id', username: 'bob' }), 'instance-1');
      assert.equal(bob.json.sessionId, sessionId);
      const instanceCall = discord.callsTo(/activity-instances\/instance-1$/).at(-1)!;
      assert.equal(instanceCall.authorization, `Bot ${BOT}`);

      const a = await openSocket(server.url, alice.json.token);
      const b = await openSocket(server.url, bob.json.token);
      try {
        assert.deepEqual(await request(a, 'join-session', sessionId), { ok: true, sessionId, role: 'host', maxUpdateBytes: 1024 * 1024 });
        assert.deepEqual(await request(b, 'join-session', sessionId), { ok: true, sessionId, role: 'player', maxUpdateBytes: 1024 * 1024 });
        const seen = nextEvent(b, 'game-state-delta');
        assert.equal((await request(a, 'update-game-state', { updates: { hp: 7 } })).ok, true);
        assert.ok(JSON.stringify(await seen).includes('7'));
        const other = await request(a, 'join-session', tableOfVoice);
        assert.equal(other.error.code, 'forbidden');
      } finally {
        a.close();
        b.close();
      }
    });

    it('a user not listed in the instance, an unknown instance and a bad code get 403 with a code', async () => {
      const mallory = await exchange(discord.codeFor({ id: 'mallory-id', username: 'mallory' }), 'instance-1');
      assert.equal(mallory.status, 403);
      assert.equal(mallory.json.error.code, 'not-in-instance');
      const nowhere = await exchange(discord.codeFor({ id: 'alice-id', username: 'alice' }), 'no-such-instance');
      assert.equal(nowhere.status, 403);
      assert.equal(nowhere.json.error.code, 'not-in-instance');
      const badCode = await exchange('not-a-code', 'instance-1');
      assert.equal(badCode.status, 403);
      assert.equal(badCode.json.error.code, 'forbidden');
      const malformed = await postJson(`${server.url}/api/auth/discord`, { code: 5 });
      assert.equal(malformed.status, 400);
    });

    it('an instance id that is not one (.., ../x, a/b...) gets 400 invalid-payload before anything is asked of Discord', async () => {
      const callsBefore = discord.calls.length;
      for (const instanceId of ['..', '../x', 'a/b', '.', '%2e%2e', 'a?b', 'x'.repeat(129), '']) {
        const answer = await exchange(discord.codeFor({ id: 'alice-id', username: 'alice' }), instanceId);
        assert.equal(answer.status, 400, instanceId);
        assert.equal(answer.json.error.code, 'invalid-payload', instanceId);
      }
      assert.deepEqual(discord.calls.slice(callsBefore), [], 'Discord was not called, with the bot token or otherwise');
    });

    it('every value in a Discord API route is one encoded segment; a dot segment is refused', () => {
      assert.equal(discordRoute`/webhooks/${APP}/${'a/b?c#d'}`, `/webhooks/${APP}/a%2Fb%3Fc%23d`);
      for (const value of ['..', '.', '']) {
        assert.throws(() => discordRoute`/applications/${APP}/activity-instances/${value}`, { code: 'invalid-payload' }, JSON.stringify(value));
      }
    });

    it('serves the client id the activity needs', async () => {
      const answer = await fetch(`${server.url}/api/discord/config`);
      assert.deepEqual(await answer.json(), { clientId: APP });
    });
  });

  describe('commands registration', () => {
    it('registers /table and adds an Entry Point command, then keeps the one the app has', async () => {
      const rest = discordRest(discord.apiBase, BOT);
      const first = await registerCommands(rest, APP, { userInstall: false });
      assert.deepEqual(first, { names: ['table', 'launch'], keptEntryPoint: false });
      discord.commands = discord.commands.map((command) => (command.type === 4 ? { ...command, id: 'ep-1', name: 'play' } : command));
      const second = await registerCommands(rest, APP, { userInstall: false });
      assert.deepEqual(second, { names: ['table', 'play'], keptEntryPoint: true });
      assert.equal(discord.commands.find((command) => command.type === 4)!.id, 'ep-1');
    });
  });
});

describe('voice channel sessions', () => {
  it('the same channel always maps to the same id; other channels, guilds and secrets do not', () => {
    const ids = new VoiceSessions(SECRET);
    const id = ids.idOf('guild-1', 'voice-1');
    assert.match(id, /^vc-[A-Za-z0-9_-]{27}$/);
    assert.equal(new VoiceSessions(SECRET).idOf('guild-1', 'voice-1'), id);
    assert.notEqual(ids.idOf('guild-1', 'voice-2'), id);
    assert.notEqual(ids.idOf('guild-2', 'voice-1'), id);
    assert.notEqual(new VoiceSessions(`${SECRET}-other`).idOf('guild-1', 'voice-1'), id);
  });

  it('create-or-get: callers racing for a new channel get one session, its host the first', async () => {
    const server = await startTestServer();
    try {
      const id = new VoiceSessions(SECRET).idOf('guild-r', 'voice-r');
      const [a, b] = await Promise.all([server.registry.ensure(id, 'discord:first'), server.registry.ensure(id, 'discord:second')]);
      assert.equal(a, b);
      assert.equal(a.meta.hostId, 'discord:first');
      assert.equal((await server.registry.ensure(id, 'discord:third')).meta.hostId, 'discord:first');
    } finally {
      await server.stop();
    }
  });
});

describe('voice channel sessions on SQLite', () => {
  it('a voice channel table left memory is loaded again by ensure, not created twice', async () => {
    const server = await startTestServer({ STORAGE: 'sqlite', SESSION_IDLE_SECONDS: '0.01', HOUSEKEEPING_SECONDS: '3600' });
    try {
      const id = new VoiceSessions(SECRET).idOf('guild-s', 'voice-s');
      await server.registry.ensure(id, 'discord:keeper');
      let evicted = false;
      for (let attempt = 0; attempt < 100 && !evicted; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        evicted = (await server.housekeeping.sweep()).evicted.includes(id);
      }
      assert.ok(evicted, 'the idle table left memory');
      assert.equal((await server.registry.ensure(id, 'discord:newcomer')).meta.hostId, 'discord:keeper');
    } finally {
      await server.stop();
    }
  });
});

describe('Discord configuration', () => {
  it('needs all four Discord settings or none', () => {
    assert.equal(loadConfig({}).discord, null);
    assert.throws(() => loadConfig({ DISCORD_CLIENT_ID: APP }), /DISCORD_CLIENT_SECRET: required/);
    assert.throws(() => loadConfig({ DISCORD_CLIENT_ID: APP, DISCORD_CLIENT_SECRET: 'x'.repeat(10), DISCORD_BOT_TOKEN: 'x'.repeat(10), DISCORD_PUBLIC_KEY: 'nothex' }), /DISCORD_PUBLIC_KEY/);
  });

  it('without them the server is a browser table: the Discord routes answer 404', async () => {
    const server = await startTestServer();
    try {
      const exchange = await postJson(`${server.url}/api/auth/discord`, { code: 'c', instanceId: 'i' });
      assert.equal(exchange.status, 404);
      assert.equal((await fetch(`${server.url}/api/discord/interactions`, { method: 'POST' })).status, 404);
    } finally {
      await server.stop();
    }
  });

  it('keeps serving when the gateway cannot reach Discord, retrying in the background', async () => {
    const keys = interactionKeys();
    const server = await startTestServer({
      DISCORD_CLIENT_ID: APP,
      DISCORD_CLIENT_SECRET: CLIENT_SECRET,
      DISCORD_BOT_TOKEN: BOT,
      DISCORD_PUBLIC_KEY: keys.publicKeyHex,
      DISCORD_API_BASE: 'http://127.0.0.1:9/api/v10',
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
      const ping = await postInteraction(server.url, keys.privateKey, { id: '1', application_id: APP, type: 1, token: 't' });
      assert.deepEqual(ping.json, { type: 1 });
    } finally {
      await server.stop();
    }
  });
});
