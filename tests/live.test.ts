import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encodeBinary } from '../shared/binary-codec';
import type { LiveUpdateRelay } from '../shared/layers-protocol';
import { nextEvent, request, startTestServer, type TestServer } from './support/harness';
import { closeAll, decoded, join, player, tableOf, type Player } from './support/table';

describe('live updates and page navigation over real sockets', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ LIVE_UPDATES_PER_SECOND: '1', LIVE_UPDATES_BURST: '20' });
  });
  after(() => server.stop());

  it('V1: a live update reaches the others with the sender the server knows, not the sender, and is not stored', async () => {
    const { sessionId, players } = await tableOf(server.url, 'Ayla', 'Bron', 'Cato');
    const [a, b, c] = players as [Player, Player, Player];
    let echoed = 0;
    a.socket.on('real-time-update', () => echoed++);
    const atB = nextEvent<Uint8Array>(b.socket, 'real-time-update');
    const atC = new Promise<LiveUpdateRelay>((resolve) => c.table.on('live', resolve));
    // a client cannot speak for someone else: its own `from` is dropped
    const forged = { type: 'pointer', data: { x: 0.25, y: 0.75, marker: 'live-only' }, from: { id: b.user.id, name: 'Bron' } };
    const ack = await request(a.socket, 'real-time-update', encodeBinary(forged));
    assert.deepEqual(ack, { ok: true });
    const expected = { type: 'pointer', data: { x: 0.25, y: 0.75, marker: 'live-only' }, from: a.user };
    assert.deepEqual(decoded(await atB), expected);
    assert.deepEqual(await atC, expected);
    const late = await player(server.url, 'late');
    const full = await join(late, sessionId);
    assert.ok(!JSON.stringify(full).includes('live-only'), 'the live update is nowhere in full-game-state');
    assert.equal(echoed, 0, 'the sender does not get its own live update back');
    closeAll([...players, late]);
  });

  it('V2: live updates are rate-limited per socket', async () => {
    const { players } = await tableOf(server.url, 'host', 'p1');
    const [a, b] = players as [Player, Player];
    const payload = encodeBinary({ type: 'stroke', data: [1, 2, 3] });
    const acks = await Promise.all(Array.from({ length: 30 }, () => request(a.socket, 'real-time-update', payload)));
    const refused = acks.filter((ack) => ack.error?.code === 'rate-limited').length;
    assert.ok(refused >= 9 && refused <= 10, `${refused} of 30 refused with a burst of 20`);
    // another socket has its own budget
    assert.deepEqual(await request(b.socket, 'real-time-update', payload), { ok: true });
    const wrong = await request(b.socket, 'real-time-update', encodeBinary({ type: '', data: 1 }));
    assert.equal(wrong.error?.code, 'invalid-payload');
    closeAll(players);
  });

  it('V3: both spellings of navigation reach the others, and joiners get the last view', async () => {
    const { sessionId, players } = await tableOf(server.url, 'host', 'p1');
    const [a, b] = players as [Player, Player];
    let echoed = 0;
    a.socket.on('page-navigated', () => echoed++);
    const first = { pdfId: 'book1', currentPage: 12, scale: 1.5 };
    const seen = nextEvent(b.socket, 'page-navigated');
    assert.deepEqual(await request(a.socket, 'navigate-page', first), { ok: true });
    assert.deepEqual(await seen, first);
    const second = { pdfId: 'book1', currentPage: 13, scale: 2 };
    const seenAgain = nextEvent(b.socket, 'page-navigated');
    assert.deepEqual(await request(a.socket, 'Maps-page', second), { ok: true });
    assert.deepEqual(await seenAgain, second);
    assert.deepEqual(b.table.view, second);
    const late = await player(server.url, 'late');
    assert.deepEqual((await join(late, sessionId)).view, second);
    assert.deepEqual(late.table.view, second);
    const bad = await request(a.socket, 'navigate-page', { pdfId: 'book1', currentPage: 0, scale: -1 });
    assert.equal(bad.error?.code, 'invalid-payload');
    assert.deepEqual((await server.registry.get(sessionId)).fullState().view, second, 'a refused navigation changes nothing');
    // had the server echoed it, the echo would have come ahead of the acks on the same socket
    assert.equal(echoed, 0, 'the navigator does not get its own navigation back');
    closeAll([...players, late]);
  });

  it('V4: a view with the scroll as fractions of the page reaches the others and joiners whole; a view without one still works; a fraction past 1 is refused', async () => {
    const { sessionId, players } = await tableOf(server.url, 'host', 'p1');
    const [a, b] = players as [Player, Player];
    const scrolled = { pdfId: 'book1', currentPage: 7, scale: 2, scrollX: 0.25, scrollY: 0.8125 };
    const seen = nextEvent(b.socket, 'page-navigated');
    assert.deepEqual(await request(a.socket, 'navigate-page', scrolled), { ok: true });
    assert.deepEqual(await seen, scrolled, 'the follower gets the fractions');
    const late = await player(server.url, 'late');
    assert.deepEqual((await join(late, sessionId)).view, scrolled, 'and a joiner');
    const bad = await request(a.socket, 'navigate-page', { ...scrolled, scrollY: 1.5 });
    assert.equal(bad.error?.code, 'invalid-payload');
    const noFraction = await request(a.socket, 'navigate-page', { ...scrolled, scrollX: 'left' });
    assert.equal(noFraction.error?.code, 'invalid-payload');
    assert.deepEqual((await server.registry.get(sessionId)).fullState().view, scrolled, 'a refused view changes nothing');
    // an old client sends no fractions: the view is as it sent it
    const plain = { pdfId: 'book1', currentPage: 8, scale: 1 };
    const seenPlain = nextEvent(b.socket, 'page-navigated');
    assert.deepEqual(await request(a.socket, 'navigate-page', plain), { ok: true });
    assert.deepEqual(await seenPlain, plain);
    closeAll([...players, late]);
  });
});
