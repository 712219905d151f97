import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Socket } from 'socket.io-client';
import { encodeBinary } from '../shared/binary-codec';
import { guestToken, nextEvent, openSocket, request, startTestServer, type TestServer } from './support/harness';
import { closeAll, player, tableOf, type Player } from './support/table';

const from = (address: string) => ({ 'x-forwarded-for': address });

/** The `data.code` a refused connect carries, or 'connected'. */
async function connectOutcome(url: string, token: string, headers?: Record<string, string>): Promise<string> {
  try {
    const socket = await openSocket(url, token, { headers });
    socket.disconnect();
    return 'connected';
  } catch (error) {
    return String((error as { data?: { code?: unknown } }).data?.code);
  }
}

function guestLogin(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/api/auth/guest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ name: 'flood' }),
  });
}

/**
 * Has `sockets` (all of one user, joined to the victim's table) each send `each` events, and
 * returns how many were acknowledged and how many `relayEvent`s the victim received for them.
 * A witness's event, sent after every ack came back, marks the end of what the victim can get.
 */
async function flood(victim: Player, witness: Player, sockets: Socket[], each: number, send: (socket: Socket, i: number) => Promise<any>, relayEvent: string) {
  let relays = 0;
  victim.socket.on(relayEvent, () => relays++);
  const started = performance.now();
  const acks = await Promise.all(sockets.flatMap((socket) => Array.from({ length: each }, (_, i) => send(socket, i))));
  const elapsedSeconds = (performance.now() - started) / 1000;
  const marker = nextEvent(victim.socket, 'page-navigated');
  assert.deepEqual(await request(witness.socket, 'navigate-page', { pdfId: 'end', currentPage: 1, scale: 1 }), { ok: true });
  await marker;
  const accepted = acks.filter((ack) => ack.ok).length;
  const refused = acks.filter((ack) => ack.error?.code === 'rate-limited').length;
  assert.equal(accepted + refused, acks.length, 'every event is either accepted or rate-limited');
  return { accepted, relays, elapsedSeconds };
}

/** A table with a victim and a witness, joined by 30 sockets of one other user. */
async function flooders(server: TestServer) {
  const { sessionId, players } = await tableOf(server.url, 'victim', 'witness');
  const [victim, witness] = players as [Player, Player];
  const token = await guestToken(server.url, 'flooder');
  const sockets = await Promise.all(Array.from({ length: 30 }, () => openSocket(server.url, token)));
  for (const socket of sockets) assert.ok((await request(socket, 'join-session', sessionId)).ok);
  return { players, victim, witness, sockets };
}

describe('per-user and per-address limits, with the real server and real sockets', () => {
  it('U1: tables created per hour are limited per user and per address', async (t) => {
    const server = await startTestServer({ TABLES_PER_USER_PER_HOUR: '3', TABLES_PER_ADDRESS_PER_HOUR: '4' });
    t.after(() => server.stop());
    const [a, b] = [await player(server.url, 'a'), await player(server.url, 'b')];
    for (let i = 0; i < 3; i++) assert.ok((await request(a.socket, 'create-session')).ok, `table ${i + 1} of a`);
    const fourth = await request(a.socket, 'create-session');
    assert.equal(fourth.error?.code, 'rate-limited', JSON.stringify(fourth));
    // a's refusal used nothing of what the address shares: b gets the address's fourth table, not a fifth
    assert.ok((await request(b.socket, 'create-session')).ok);
    assert.equal((await request(b.socket, 'create-session')).error?.code, 'rate-limited');
    closeAll([a, b]);
  });

  it('U2: open sockets are limited per user and per address, and a closed socket frees its place', async (t) => {
    const server = await startTestServer({ SOCKETS_PER_USER: '3', SOCKETS_PER_ADDRESS: '5', TRUST_PROXY_HOPS: '1' });
    t.after(() => server.stop());
    const [alice, bob, carol] = [await guestToken(server.url, 'alice'), await guestToken(server.url, 'bob'), await guestToken(server.url, 'carol')];
    const open = await Promise.all([1, 2, 3].map(() => openSocket(server.url, alice, { headers: from('10.0.0.1') })));
    assert.equal(await connectOutcome(server.url, alice, from('10.0.0.1')), 'rate-limited', "the user's fourth socket");
    assert.equal(await connectOutcome(server.url, alice, from('10.0.0.2')), 'rate-limited', 'from another address too');
    const bobs = await Promise.all([1, 2].map(() => openSocket(server.url, bob, { headers: from('10.0.0.1') })));
    assert.equal(await connectOutcome(server.url, carol, from('10.0.0.1')), 'rate-limited', "the address's sixth socket");
    assert.equal(await connectOutcome(server.url, carol, from('10.0.0.2')), 'connected', 'another address still connects');
    // Discord users all come through Discord's proxy: only their per-user limit applies
    const discord = server.tokens.issue({ sub: 'discord:1', name: 'dee', kind: 'discord', sessions: [] });
    assert.equal(await connectOutcome(server.url, discord, from('10.0.0.1')), 'connected', 'a Discord user behind the full address');
    open[0]!.disconnect();
    // the server learns of the disconnect a moment later: asked again until then
    let outcome = 'rate-limited';
    for (let i = 0; i < 100 && outcome === 'rate-limited'; i++) outcome = await connectOutcome(server.url, alice, from('10.0.0.3'));
    assert.equal(outcome, 'connected', 'a closed socket frees its place');
    for (const socket of [...open, ...bobs]) socket.disconnect();
  });

  it('U3: 30 sockets of one user cannot push more live updates than the user may, whatever each socket may', async (t) => {
    const server = await startTestServer({ SOCKETS_PER_USER: '40', USER_LIVE_UPDATES_PER_SECOND: '1', USER_LIVE_UPDATES_BURST: '20' });
    t.after(() => server.stop());
    const { players, victim, witness, sockets } = await flooders(server);
    const payload = encodeBinary({ type: 'pointer', data: { x: 0.5, y: 0.5 } });
    // 5 each: well within each socket's own burst (LIVE_UPDATES_BURST, 120)
    const live = await flood(victim, witness, sockets, 5, (socket) => request(socket, 'real-time-update', payload), 'real-time-update');
    assert.equal(live.relays, live.accepted, 'the victim got exactly the accepted live updates');
    assert.ok(live.accepted <= 20 + Math.ceil(live.elapsedSeconds) + 1, `${live.accepted} of 150 relayed`);
    // navigation draws from the same budget of the user
    const navigate = (socket: Socket, i: number) => request(socket, 'navigate-page', { pdfId: 'book', currentPage: i + 1, scale: 1 });
    const pages = await flood(victim, witness, sockets, 2, navigate, 'page-navigated');
    assert.ok(pages.accepted <= Math.ceil(live.elapsedSeconds + pages.elapsedSeconds) + 2, `${pages.accepted} of 60 navigations`);
    for (const socket of sockets) socket.disconnect();
    closeAll(players);
  });

  it('U4: updates of the state and of layers share one budget across all sockets of a user', async (t) => {
    const server = await startTestServer({ SOCKETS_PER_USER: '40', USER_UPDATES_PER_SECOND: '1', USER_UPDATES_BURST: '20' });
    t.after(() => server.stop());
    const { players, victim, witness, sockets } = await flooders(server);
    const update = (socket: Socket, i: number) => request(socket, 'update-game-state', { updates: { [`k-${socket.id}`]: i } });
    const states = await flood(victim, witness, sockets, 2, update, 'game-state-delta');
    assert.equal(states.relays, states.accepted, 'one delta per accepted update');
    assert.ok(states.accepted <= 20 + Math.ceil(states.elapsedSeconds) + 1, `${states.accepted} of 60 updates`);
    const layers = (socket: Socket, i: number) =>
      request(socket, 'update-layers', encodeBinary({ pdfId: 'book', pageNum: i + 1, layers: { tokens: [{ id: socket.id }] } }));
    const pages = await flood(victim, witness, sockets, 2, layers, 'layers-updated');
    assert.ok(pages.accepted <= Math.ceil(states.elapsedSeconds + pages.elapsedSeconds) + 2, `${pages.accepted} of 60 layer updates`);
    for (const socket of sockets) socket.disconnect();
    closeAll(players);
  });

  it('U5: guest identities are limited per address; X-Forwarded-For counts only behind a trusted proxy', async (t) => {
    const trusting = await startTestServer({ GUESTS_PER_ADDRESS_PER_MINUTE: '5', TRUST_PROXY_HOPS: '1' });
    t.after(() => trusting.stop());
    for (let i = 0; i < 5; i++) assert.equal((await guestLogin(trusting.url, from('203.0.113.7'))).status, 200);
    const refused = await guestLogin(trusting.url, from('203.0.113.7'));
    assert.equal(refused.status, 429);
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'rate-limited');
    assert.equal((await guestLogin(trusting.url, from('203.0.113.8'))).status, 200, 'another address is not refused');
    // one host of an IPv6 /64 is one address
    for (let i = 0; i < 5; i++) assert.equal((await guestLogin(trusting.url, from(`2001:db8:1:2::${i + 1}`))).status, 200);
    assert.equal((await guestLogin(trusting.url, from('2001:db8:1:2:ffff::9'))).status, 429);

    const direct = await startTestServer({ GUESTS_PER_ADDRESS_PER_MINUTE: '5' });
    t.after(() => direct.stop());
    // without the trust setting anyone could write the header: each request is its peer's address
    for (let i = 0; i < 5; i++) assert.equal((await guestLogin(direct.url, from(`198.51.100.${i}`))).status, 200);
    assert.equal((await guestLogin(direct.url, from('198.51.100.99'))).status, 429);
  });

  it('U6: a frame over its limit that names a reserved event (disconnect) closes its socket, and gives back no place it still holds', async (t) => {
    const server = await startTestServer({ SOCKETS_PER_USER: '2', MAX_EVENT_BYTES: '4096' });
    t.after(() => server.stop());
    const alice = await guestToken(server.url, 'alice');
    const [spoofer, other] = [await openSocket(server.url, alice), await openSocket(server.url, alice)];
    const closed = nextEvent(spoofer, 'disconnect');
    // past MAX_EVENT_BYTES the frame is refused by its header alone, before socket.io-parser's own checks
    (spoofer.io.engine as unknown as { write(data: string): void }).write(`2["disconnect","${'x'.repeat(8192)}"]`);
    assert.equal(await closed, 'transport close', 'the server closes the socket that sent it');
    // the socket's place came back once, as it closed: one more socket of alice's fits, not two
    let third = 'rate-limited';
    for (let i = 0; i < 100 && third === 'rate-limited'; i++) third = await connectOutcome(server.url, alice);
    assert.equal(third, 'connected');
    const kept = await openSocket(server.url, alice);
    assert.equal(await connectOutcome(server.url, alice), 'rate-limited', "two of alice's sockets are open");
    assert.equal((await request(other, 'create-session')).ok, true, 'her other socket is served');
    for (const socket of [other, kept]) socket.disconnect();
  });
});
