import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Socket } from 'socket.io-client';
import { guestToken, nextEvent, openSocket, request, startTestServer, type TestServer } from './support/harness';

const LIMITS = {
  MAX_UPDATE_BYTES: String(64 * 1024),
  MAX_STATE_BYTES: String(160 * 1024),
  MAX_LAYER_BYTES: String(64 * 1024),
  UPDATES_PER_SECOND: '5',
  UPDATES_BURST: '8',
};

function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = { down: value };
  return value;
}

describe('bad input gets a clear error and changes nothing', () => {
  let server: TestServer;
  let host: Socket;
  let sessionId: string;

  before(async () => {
    server = await startTestServer(LIMITS);
    host = await openSocket(server.url, await guestToken(server.url, 'host'));
    sessionId = (await request(host, 'create-session')).sessionId;
    await request(host, 'join-session', sessionId);
    assert.equal((await request(host, 'update-game-state', { updates: { counters: [{ id: 'hp', value: 5 }] } })).ok, true);
  });
  after(async () => {
    host.close();
    await server.stop();
  });

  async function stateOf() {
    const session = await server.registry.get(sessionId);
    return { version: session.currentVersion, state: structuredClone(session.state) };
  }

  async function player(): Promise<Socket> {
    const socket = await openSocket(server.url, await guestToken(server.url, 'player'));
    const joined = await request(socket, 'join-session', sessionId);
    assert.equal(joined.ok, true);
    return socket;
  }

  it('B1: a socket without a valid token is refused before it can do anything', async () => {
    for (const token of [undefined, '', 'nonsense', `${await guestToken(server.url)}x`]) {
      await assert.rejects(openSocket(server.url, token), (error: Error & { data?: { code: string } }) => {
        assert.equal(error.data?.code, 'unauthorized');
        return true;
      });
    }
  });

  it('B2: guest login validates its body', async () => {
    for (const body of ['{}', '{"name":""}', '{"name":5}', 'not json', JSON.stringify({ name: 'x'.repeat(65) })]) {
      const response = await fetch(`${server.url}/api/auth/guest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      assert.equal(response.status, 400, body);
      const answer = (await response.json()) as { error: { code: string } };
      assert.equal(answer.error.code, 'invalid-payload');
    }
  });

  it('B3: join-session with malformed ids or an unknown session', async () => {
    const socket = await openSocket(server.url, await guestToken(server.url));
    for (const payload of [undefined, 42, {}, { sessionId: 7 }, 'has spaces', 'x'.repeat(200), { sessionId, fromVersion: -1 }]) {
      const answer = await request(socket, 'join-session', payload);
      assert.deepEqual([answer.ok, answer.error?.code], [false, 'invalid-payload'], JSON.stringify(payload));
    }
    const unknown = await request(socket, 'join-session', 'no-such-session');
    assert.deepEqual([unknown.ok, unknown.error.code], [false, 'unknown-session']);
    socket.close();
  });

  it('B4: a socket outside the session cannot update or catch up', async () => {
    const before = await stateOf();
    const outsider = await openSocket(server.url, await guestToken(server.url));
    const update = await request(outsider, 'update-game-state', { updates: { counters: [] } });
    assert.deepEqual([update.ok, update.error.code], [false, 'not-in-session']);
    const missing = await request(outsider, 'request-missing-updates', { fromVersion: 0 });
    assert.deepEqual([missing.ok, missing.error.code], [false, 'not-in-session']);
    assert.deepEqual(await stateOf(), before);
    outsider.close();
  });

  it('B5: malformed and wrong-typed updates are refused with invalid-payload', async () => {
    const before = await stateOf();
    const bad: unknown[] = [
      undefined,
      null,
      'counters',
      [],
      { updates: 5 },
      { updates: [] },
      { updates: { counters: 1 }, baseVersion: -1 },
      { updates: { counters: 1 }, baseVersion: 1.5 },
      { updates: { counters: 1 }, baseVersion: '1' },
      { updates: { '': 1 } },
      { updates: { deep: nested(80) } },
      JSON.parse('{"updates":{"x":{"__proto__":{"polluted":true}}}}'),
      // at the top level too (sent as the JSON text it was parsed from), not acknowledged and dropped
      JSON.parse('{"updates":{"__proto__":{"polluted":true},"counters":[]}}'),
    ];
    // a socket of its own for each: a refused update takes from its sender's budget as well (B8)
    for (const payload of bad) {
      const socket = await player();
      const answer = await request(socket, 'update-game-state', payload);
      socket.close();
      assert.equal(answer.ok, false, JSON.stringify(payload));
      assert.equal(answer.error.code, 'invalid-payload', JSON.stringify(payload));
      assert.match(answer.error.message, /\S/);
    }
    assert.deepEqual(await stateOf(), before);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('B6: oversized updates and a state past its limit are refused with too-large', async () => {
    const socket = await player();
    const before = await stateOf();
    const big = await request(socket, 'update-game-state', { updates: { notes: 'x'.repeat(100 * 1024) } });
    assert.deepEqual([big.ok, big.error.code], [false, 'too-large']);
    assert.deepEqual(await stateOf(), before);

    const chunk = 'y'.repeat(50 * 1024);
    for (const key of ['a', 'b', 'c']) {
      assert.equal((await request(socket, 'update-game-state', { updates: { [key]: chunk } })).ok, true);
    }
    const full = await stateOf();
    const over = await request(socket, 'update-game-state', { updates: { d: chunk } });
    assert.deepEqual([over.ok, over.error.code], [false, 'too-large']);
    assert.deepEqual(await stateOf(), full);
    // shrinking back is allowed
    assert.equal((await request(socket, 'update-game-state', { updates: { a: '', b: '', c: '' } })).ok, true);
    socket.close();
  });

  it('B7: without an ack callback the error arrives as session-error', async () => {
    const socket = await player();
    const error = nextEvent(socket, 'session-error');
    socket.emit('update-game-state', { updates: 'nope' });
    assert.deepEqual(await error, {
      event: 'update-game-state',
      code: 'invalid-payload',
      message: (await error).message,
    });
    socket.close();
  });

  it('B8: a flood of updates from one socket is rate-limited; others are served', async () => {
    const flooder = await player();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => request(flooder, 'update-game-state', { updates: { flood: i } })),
    );
    const limited = answers.filter((answer) => !answer.ok && answer.error.code === 'rate-limited');
    assert.ok(limited.length >= 10, `${limited.length} of 20 were rate-limited`);
    const calm = await player();
    assert.equal((await request(calm, 'update-game-state', { updates: { calm: true } })).ok, true);
    flooder.close();
    calm.close();
  });

  it('B9: a message over the transport limit drops only its sender', async () => {
    const reckless = await player();
    const gone = nextEvent(reckless, 'disconnect');
    reckless.emit('update-game-state', { updates: { huge: 'z'.repeat(400 * 1024) } });
    await gone;
    const calm = await player();
    const answer = await request(calm, 'update-game-state', { updates: { still: 'serving' } });
    assert.equal(answer.ok, true);
    assert.equal((await stateOf()).state.huge, undefined);
    calm.close();
  });

  it('H6: request-missing-updates is acknowledged with { ok: true } and nothing else, as docs/protocol.md says', async () => {
    const socket = await player();
    for (const payload of [{ fromVersion: 0 }, { fromVersion: 0, full: true }]) {
      const caughtUp = nextEvent(socket, payload.full ? 'full-game-state' : 'missing-updates');
      assert.deepEqual(await request(socket, 'request-missing-updates', payload), { ok: true }, JSON.stringify(payload));
      await caughtUp;
    }
    socket.close();
  });
});
