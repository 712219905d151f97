import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { io as connect } from 'socket.io-client';
import { isChannelTable, newTableId } from '../server/auth/table-access';
import { VoiceSessions } from '../server/discord/voice-sessions';
import { SqliteSessionStore } from '../server/storage/sqlite/sqlite-store';
import { discordPlaceSchema } from '../shared/protocol';
import { RoleClientEvent } from '../shared/roles-protocol';
import type { DiscordStandIn } from './support/discord-stand-in';
import { entryPointInteraction, postInteraction, tableInteraction } from './support/discord-interactions';
import { APP, postJson, PUBLIC_URL, SECRET, startDiscordServer, type DiscordTestServer } from './support/discord-server';
import { tempDir } from './support/temp-dir';
import { eventually, guestToken, nextEvent, openSocket, request, startTestServer, type TestServer } from './support/harness';

const voice = new VoiceSessions(SECRET);
const EPHEMERAL = 64;
const MANAGE_CHANNELS = 1n << 4n;

/** The invitation of a join link url (`.../join/<invite>`). */
function inviteOf(url: string): string {
  const match = /^https:\/\/table\.example\/join\/([^/?#]+)$/.exec(url);
  assert.ok(match, `not a join link on PUBLIC_URL: ${url}`);
  return match[1]!;
}

/** The invitation of the join link in a bot's message. */
function inviteIn(message: string): string {
  const match = /https:\/\/table\.example\/join\/(\S+)/.exec(message);
  assert.ok(match, `no join link in: ${message}`);
  return match[1]!;
}

/** The content of the follow-up message sent for the interaction of `token`, once it is sent. */
async function followUpOf(discord: DiscordStandIn, token: string): Promise<string> {
  const pattern = new RegExp(`^POST /api/v10/webhooks/${APP}/${token}$`);
  await eventually(() => discord.callsTo(pattern).length > 0, 5000, 'the follow-up');
  return (discord.callsTo(pattern).at(-1)!.body as { content: string }).content;
}

/** A second, plain browser: redeems the invitation with no token of its own, joins, and says which table it is at. */
async function redeemAndJoin(serverUrl: string, invite: string): Promise<string> {
  const redeemed = await postJson(`${serverUrl}/api/auth/invite`, { invite, name: 'Browser Bea' });
  assert.equal(redeemed.status, 200, JSON.stringify(redeemed.json));
  const socket = await openSocket(serverUrl, redeemed.json.token);
  try {
    const ack = await request(socket, 'join-session', redeemed.json.sessionId);
    assert.equal(ack.ok, true, JSON.stringify(ack));
    return ack.sessionId;
  } finally {
    socket.close();
  }
}

describe('the tables of Discord channels', () => {
  let app: DiscordTestServer;
  let server: TestServer;
  let discord: DiscordStandIn;

  before(async () => {
    app = await startDiscordServer({ JOIN_LINKS_PER_USER_PER_MINUTE: '5' });
    ({ server, discord } = app);
    discord.channels.set('voice-p', { id: 'voice-p', type: 2, guild_id: 'guild-1', name: 'Dungeon Crawl' });
    discord.channels.set('text-p', { id: 'text-p', type: 0, guild_id: 'guild-1', name: 'general' });
    discord.instances.set('i-voice', { users: ['alice-id', 'bob-id'], channelId: 'voice-p', guildId: 'guild-1' });
    discord.instances.set('i-text', { users: ['alice-id'], channelId: 'text-p', guildId: 'guild-1' });
    discord.instances.set('i-dm', { users: ['alice-id', 'bob-id'], channelId: 'dm-p', guildId: null });
    discord.instances.set('i-dm-q', { users: ['bob-id'], channelId: 'dm-q', guildId: null });
    discord.instances.set('i-hidden', { users: ['alice-id'], channelId: 'voice-hidden', guildId: 'guild-1' });
  });
  after(() => app?.stop());

  const signIn = async (instanceId: string, id = 'alice-id') => {
    const answer = await postJson(`${server.url}/api/auth/discord`, { code: discord.codeFor({ id, username: id }), instanceId });
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    return answer.json as { token: string; sessionId: string; place: unknown };
  };
  const askJoinLink = (sessionId: string, token?: string) => postJson(`${server.url}/api/tables/${sessionId}/join-link`, {}, token);
  const interact = (body: unknown) => postInteraction(server.url, app.privateKey, body);

  it('DS1: a player at a voice channel\'s table gets a signed join link on PUBLIC_URL that a second browser redeems into the same table', async () => {
    const alice = await signIn('i-voice');
    const answer = await askJoinLink(alice.sessionId, alice.token);
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    assert.deepEqual(Object.keys(answer.json).sort(), ['expiresAt', 'url']);
    assert.ok(answer.json.expiresAt > Date.now() + 60 * 60 * 1000, 'valid for hours');
    assert.equal(await redeemAndJoin(server.url, inviteOf(answer.json.url)), alice.sessionId);
  });

  it('DS2: a table anyone with its address may join gets its address, without expiry', async () => {
    const host = await openSocket(server.url, await guestToken(server.url, 'Host'));
    try {
      const { sessionId } = await request(host, 'create-session');
      const answer = await askJoinLink(sessionId, await guestToken(server.url, 'Passer-by'));
      assert.deepEqual(answer.json, { url: `${PUBLIC_URL}/t/${sessionId}`, expiresAt: null });
    } finally {
      host.close();
    }
  });

  it('DS3: no token 401, a token not at the table 403, no such table 404 only once authenticated', async () => {
    const alice = await signIn('i-voice');
    const missingVoiceTable = voice.idOf('guild-1', 'voice-nobody-opened');
    for (const sessionId of [alice.sessionId, missingVoiceTable, 'no-such-table']) {
      for (const token of [undefined, 'not.a-token']) {
        const refused = await askJoinLink(sessionId, token);
        assert.equal(refused.status, 401, sessionId);
        assert.equal(refused.json.error.code, 'unauthorized');
      }
    }
    const guest = await askJoinLink(alice.sessionId, await guestToken(server.url, 'Stranger'));
    assert.equal(guest.status, 403);
    assert.equal(guest.json.error.code, 'forbidden');
    const unknown = await askJoinLink('no-such-table', alice.token);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.error.code, 'unknown-session');
    const listedButMissing = await askJoinLink(missingVoiceTable, server.tokens.issue({ sub: 'discord:x', name: 'X', kind: 'discord', sessions: [missingVoiceTable] }));
    assert.equal(listedButMissing.status, 404);
  });

  it('DS4: past JOIN_LINKS_PER_USER_PER_MINUTE one user gets 429 rate-limited; another user still gets links', async () => {
    const bob = await signIn('i-voice', 'bob-id');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await askJoinLink(bob.sessionId, bob.token)).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429]);
    const limited = await askJoinLink(bob.sessionId, bob.token);
    assert.equal(limited.json.error.code, 'rate-limited');
    const carol = server.tokens.issue({ sub: 'discord:carol-id', name: 'Carol', kind: 'discord', sessions: [bob.sessionId] });
    assert.equal((await askJoinLink(bob.sessionId, carol)).status, 200);
  });

  it('DS5: the sign-in says where the table is: a voice channel, a text channel, a DM, each its own table, named when the bot can read it', async () => {
    const inVoice = await signIn('i-voice');
    assert.deepEqual(inVoice.place, { kind: 'voice', channelId: 'voice-p', guildId: 'guild-1', name: 'Dungeon Crawl' });
    assert.equal(inVoice.sessionId, voice.idOf('guild-1', 'voice-p'));
    const inText = await signIn('i-text');
    assert.deepEqual(inText.place, { kind: 'text', channelId: 'text-p', guildId: 'guild-1', name: 'general' });
    assert.equal(inText.sessionId, voice.idOf('guild-1', 'text-p'));
    const inDm = await signIn('i-dm');
    assert.deepEqual(inDm.place, { kind: 'dm', channelId: 'dm-p', guildId: null, name: null });
    assert.equal(inDm.sessionId, voice.idOf('@me', 'dm-p'));
    const unreadable = await signIn('i-hidden');
    assert.deepEqual(unreadable.place, { kind: 'voice', channelId: 'voice-hidden', guildId: 'guild-1', name: null });
    for (const answer of [inVoice, inText, inDm, unreadable]) assert.ok(discordPlaceSchema.safeParse(answer.place).success);
    assert.equal(new Set([inVoice, inText, inDm].map((answer) => answer.sessionId)).size, 3);

    // a DM's table works as any channel's: a join link from it lands a browser there
    const link = await askJoinLink(inDm.sessionId, inDm.token);
    assert.equal(await redeemAndJoin(server.url, inviteOf(link.json.url)), inDm.sessionId);
  });

  it('DS7: /table start, link and end work in a text channel: its own table, the one the activity opened there; replies name the channel', async () => {
    const text = { id: 'text-p', type: 0 };
    const start = tableInteraction(APP, 'start', { channel: text, userId: 'alice-id' });
    assert.deepEqual((await interact(start)).json, { type: 12 }, 'the activity launches in the text channel');
    assert.match(await followUpOf(discord, start.token), /^The table of <#text-p> is open\. You are its host\. The activity is opening here\./);
    const linked = await interact(tableInteraction(APP, 'link', { channel: text, userId: 'bob-id' }));
    assert.equal(linked.json.data.flags, EPHEMERAL);
    assert.match(linked.json.data.content, /^The table of <#text-p> in a browser/);
    const fromActivity = await signIn('i-text');
    assert.equal(await redeemAndJoin(server.url, inviteIn(linked.json.data.content)), fromActivity.sessionId);

    // from the voice channel's chat, `channel:` may name the text channel
    const named = await interact(tableInteraction(APP, 'link', { channel: { id: 'voice-p', type: 2 }, userId: 'bob-id', chosen: text }));
    assert.match(named.json.data.content, /^The table of <#text-p> in a browser/);

    const player = await openSocket(server.url, fromActivity.token);
    await request(player, 'join-session', fromActivity.sessionId);
    const closed = nextEvent(player, 'table-closed');
    const ended = await interact(tableInteraction(APP, 'end', { channel: text, userId: 'mod-id', permissions: MANAGE_CHANNELS }));
    assert.match(ended.json.data.content, /^The table of <#text-p> is closed \(1 let go\)/);
    assert.deepEqual(await closed, { sessionId: fromActivity.sessionId });
  });

  it('DS15: a /table end sent again under its id while its signature holds is refused 401 and ends nothing, not the table opened since', async () => {
    const text = { id: 'text-replay', type: 0 };
    const open = () => interact(tableInteraction(APP, 'start', { channel: text, userId: 'alice-id' }));
    await open();
    const end = tableInteraction(APP, 'end', { channel: text, userId: 'alice-id' });
    assert.match((await interact(end)).json.data.content, /^The table of <#text-replay> is closed/);
    await open();
    const replayed = await interact(end);
    assert.deepEqual([replayed.status, replayed.json.error], [401, { code: 'unauthorized', message: 'replayed interaction' }]);
    const linked = await interact(tableInteraction(APP, 'link', { channel: text, userId: 'bob-id' }));
    assert.match(linked.json.data.content, /^The table of <#text-replay> in a browser/, 'the table opened since is still open');
  });

  it('DS8: the Entry Point command in a DM opens that conversation\'s table, the one the activity signs in to there', async () => {
    const launch = entryPointInteraction(APP, { channel: { id: 'dm-q', type: 1 }, userId: 'bob-id', guildId: null });
    assert.deepEqual((await interact(launch)).json, { type: 12 });
    assert.match(await followUpOf(discord, launch.token), /^The table of this conversation is open\. You are its host\./);
    const inDm = await signIn('i-dm-q', 'bob-id');
    assert.equal(inDm.sessionId, voice.idOf('@me', 'dm-q'));
    assert.equal((await server.registry.get(inDm.sessionId)).meta.hostId, 'discord:bob-id');
  });

  it('DS9: /table end tells every socket of the table, on a websocket, on long-polling, and one whose join was in flight, then lets them go', async () => {
    const channel = { id: 'voice-close', type: 2 };
    await interact(tableInteraction(APP, 'start', { channel, userId: 'alice-id' }));
    const sessionId = voice.idOf('guild-1', channel.id);
    const tokenOf = (name: string) => server.tokens.issue({ sub: `discord:${name}`, name, kind: 'discord', sessions: [sessionId] });
    const onWebsocket = await openSocket(server.url, tokenOf('ws'));
    const onPolling = connect(server.url, { auth: { token: tokenOf('poll') }, transports: ['polling'], forceNew: true, reconnection: false });
    await new Promise((resolve) => onPolling.once('connect', () => resolve(undefined)));
    for (const socket of [onWebsocket, onPolling]) assert.equal((await request(socket, 'join-session', sessionId)).ok, true);
    const late = await openSocket(server.url, tokenOf('late'));
    const sockets = [onWebsocket, onPolling, late];
    const told = sockets.map((socket) => nextEvent(socket, 'table-closed'));

    // the table's turn is held: the late join waits in it when the table is closed
    const session = await server.registry.get(sessionId);
    let release = () => {};
    const held = session.exclusive(() => new Promise<void>((resolve) => (release = resolve)));
    const lateJoin = request(late, 'join-session', sessionId);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const ended = interact(tableInteraction(APP, 'end', { channel, userId: 'alice-id' }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    await held;

    assert.equal((await lateJoin).ok, true);
    assert.match((await ended).json.data.content, /is closed \(3 let go\)/);
    assert.deepEqual(await Promise.all(told), sockets.map(() => ({ sessionId })));
    await eventually(() => sockets.every((socket) => !socket.connected), 5000, 'every socket to be let go');
  });

  it('DS10: /table end goes by who runs the table now: its host after a hand-over and its game masters, not its creator', async () => {
    const channel = { id: 'voice-handed', type: 2 };
    const end = (userId: string) => interact(tableInteraction(APP, 'end', { channel, userId }));
    await interact(tableInteraction(APP, 'start', { channel, userId: 'alice-id' }));
    const sessionId = voice.idOf('guild-1', channel.id);
    const at = async (name: string) => {
      const socket = await openSocket(server.url, server.tokens.issue({ sub: `discord:${name}`, name, kind: 'discord', sessions: [sessionId] }));
      assert.equal((await request(socket, 'join-session', sessionId)).ok, true);
      return socket;
    };
    const [alice, bob, carol] = [await at('alice-id'), await at('bob-id'), await at('carol-id')];
    const asks = async (socket: typeof alice, event: string, payload: object) => assert.equal((await request(socket, event, payload)).ok, true, event);
    await asks(alice, RoleClientEvent.transferHost, { userId: 'discord:bob-id' });
    // the creator, a game master after the hand-over, is made a player again: it runs nothing now
    await asks(bob, RoleClientEvent.setRole, { userId: 'discord:alice-id', role: 'player' });
    await asks(bob, RoleClientEvent.setRole, { userId: 'discord:carol-id', role: 'game-master' });

    for (const someone of ['alice-id', 'dave-id']) {
      const refused = await end(someone);
      assert.match(refused.json.data.content, /^Only the table's host or game masters/, someone);
      assert.equal(refused.json.data.flags, EPHEMERAL);
    }
    assert.equal(alice.connected, true, 'a refused /table end lets nobody go');
    const closed = nextEvent(carol, 'table-closed');
    assert.match((await end('carol-id')).json.data.content, /is closed \(3 let go\)/, 'a game master closes it');
    assert.deepEqual(await closed, { sessionId });
    // reopened where it was left, roles included: the host closes it as well
    await interact(tableInteraction(APP, 'start', { channel, userId: 'dave-id' }));
    assert.match((await end('bob-id')).json.data.content, /is closed \(0 let go\)/);
    for (const socket of [alice, bob, carol]) socket.close();
  });
});

describe('the ids of browser tables', () => {
  it('DS11: a new table id that would start as a channel table\'s is drawn again (such a table could never be joined)', async () => {
    const drawn = ['vc-Qm9iYXNlNjR1cmw', 'vc-AAAAAAAAAAAAAAAAAAAAAA', 'vcx-not-a-channel-id'];
    assert.equal(newTableId(() => drawn.shift() as string), 'vcx-not-a-channel-id');
    assert.equal(drawn.length, 0);
    const server = await startTestServer();
    const host = await openSocket(server.url, await guestToken(server.url, 'Host'));
    try {
      const { sessionId } = await request(host, 'create-session');
      assert.equal(isChannelTable(sessionId), false);
      assert.equal((await request(host, 'join-session', { sessionId })).sessionId, sessionId);
    } finally {
      host.close();
      await server.stop();
    }
  });

  it('DS12: a table whose random id began with the channel prefix before DS11 is joined by its id; a channel table still is not', async () => {
    const dataDir = await tempDir('gamebook-vc-table-');
    const drawnBefore = 'vc-A1b2C3d4E5f6G7h8I9'; // 22 characters, as every random id
    const store = SqliteSessionStore.open({ file: path.join(dataDir, 'gamebook.sqlite'), sync: 'full' });
    await store.createSession({ id: drawnBefore, hostId: 'guest:someone', createdAt: Date.now() });
    await store.close();
    const channelTable = voice.idOf('guild-1', 'voice-ds12');
    assert.equal(isChannelTable(drawnBefore), false);
    assert.equal(isChannelTable(channelTable), true);
    const server = await startTestServer({ STORAGE: 'sqlite', DATA_DIR: dataDir });
    const friend = await openSocket(server.url, await guestToken(server.url, 'Friend'));
    try {
      assert.equal((await request(friend, 'join-session', { sessionId: drawnBefore })).sessionId, drawnBefore);
      assert.equal((await request(friend, 'join-session', { sessionId: channelTable })).error?.code, 'forbidden');
    } finally {
      friend.close();
      await server.stop();
    }
  });
});

describe('join links without Discord configured', () => {
  it('DS6: a browser table hands out links too: its address for a table, a join link for a channel table the token lists', async () => {
    const server = await startTestServer({ SESSION_SECRET: SECRET, PUBLIC_URL });
    const host = await openSocket(server.url, await guestToken(server.url, 'Host'));
    try {
      const { sessionId } = await request(host, 'create-session');
      const token = await guestToken(server.url, 'Friend');
      assert.deepEqual((await postJson(`${server.url}/api/tables/${sessionId}/join-link`, {}, token)).json, { url: `${PUBLIC_URL}/t/${sessionId}`, expiresAt: null });
      const channelTable = voice.idOf('guild-1', 'voice-x');
      await server.registry.ensure(channelTable, 'discord:someone');
      const member = server.tokens.issue({ sub: 'discord:m', name: 'M', kind: 'discord', sessions: [channelTable] });
      const answer = await postJson(`${server.url}/api/tables/${channelTable}/join-link`, {}, member);
      assert.equal(await redeemAndJoin(server.url, inviteOf(answer.json.url)), channelTable);
    } finally {
      host.close();
      await server.stop();
    }
  });
});

describe('identities made from Discord tables are limited like any other', () => {
  /** A server whose address may make 3 guests a minute and which takes 3 Discord sign-ins a minute, for `run` alone. */
  async function withLimits(run: (app: DiscordTestServer, signIn: (code: string) => ReturnType<typeof postJson>) => Promise<void>) {
    const app = await startDiscordServer({ GUESTS_PER_ADDRESS_PER_MINUTE: '3', DISCORD_SIGNINS_PER_MINUTE: '3' });
    app.discord.instances.set('i-voice', { users: ['alice-id'], channelId: 'voice-l', guildId: 'guild-1' });
    try {
      await run(app, (code) => postJson(`${app.server.url}/api/auth/discord`, { code, instanceId: 'i-voice' }));
    } finally {
      await app.stop();
    }
  }

  it('DS13: a join link redeemed without a token makes a guest under the guest limit of the address; with a token, no new identity and no count', async () => {
    await withLimits(async (app, signIn) => {
      const alice = await signIn(app.discord.codeFor({ id: 'alice-id', username: 'alice' }));
      assert.equal(alice.status, 200, JSON.stringify(alice.json));
      const link = await postJson(`${app.server.url}/api/tables/${alice.json.sessionId}/join-link`, {}, alice.json.token);
      const invite = inviteOf(link.json.url);
      const redeem = (token?: string) => postJson(`${app.server.url}/api/auth/invite`, { invite, name: 'Bea' }, token);
      const guests = [await redeem(), await redeem(), await redeem()];
      assert.deepEqual(guests.map(({ status }) => status), [200, 200, 200]);
      assert.equal(new Set(guests.map(({ json }) => json.user.id)).size, 3, 'three new identities');
      const fourth = await redeem();
      assert.deepEqual([fourth.status, fourth.json.error.code], [429, 'rate-limited']);
      const guestLogin = await postJson(`${app.server.url}/api/auth/guest`, { name: 'Cy' });
      assert.equal(guestLogin.status, 429, 'the same count as POST /api/auth/guest');
      const known = await redeem(guests[0]!.json.token);
      assert.deepEqual([known.status, known.json.user.id], [200, guests[0]!.json.user.id], 'an identity held redeems without a count');
    });
  });

  it('DS14: Discord sign-ins past DISCORD_SIGNINS_PER_MINUTE are refused rate-limited with Retry-After, before Discord is called', async () => {
    await withLimits(async (app, signIn) => {
      const tokenCalls = () => app.discord.callsTo(/^POST \/api\/v10\/oauth2\/token$/).length;
      // the limit is the node's, whoever asks: a refused code costs Discord's call like a good one
      const answers = [await signIn('not-a-code'), await signIn(app.discord.codeFor({ id: 'alice-id', username: 'alice' })), await signIn('nor-this')];
      assert.deepEqual(answers.map(({ status }) => status), [403, 200, 403]);
      const over = await signIn(app.discord.codeFor({ id: 'alice-id', username: 'alice' }));
      assert.deepEqual([over.status, over.json.error.code], [429, 'rate-limited']);
      assert.equal(over.headers.get('retry-after'), '20');
      assert.equal(tokenCalls(), 3, 'Discord was not asked for the refused sign-in');
    });
  });
});
