import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Socket } from 'socket.io-client';
import { isSafeJson, MAX_JSON_NODES } from '../shared/json-shape';
import { PRESENCE_EVENT, type PresenceEvent } from '../shared/presence';
import { guest, guestToken, nextEvent, openSocket, request, startTestServer, type TestServer } from './support/harness';
import { PollingClient, type PolledPacket } from './support/polling-client';

const KiB = 1024;
const MiB = 1024 * KiB;

async function withServer(env: Record<string, string>, run: (server: TestServer) => Promise<void>): Promise<void> {
  const server = await startTestServer(env);
  try {
    await run(server);
  } finally {
    await server.stop();
  }
}

async function member(server: TestServer, sessionId: string, name: string): Promise<Socket> {
  const socket = await openSocket(server.url, await guestToken(server.url, name));
  assert.equal((await request(socket, 'join-session', sessionId)).ok, true);
  return socket;
}

async function table(server: TestServer): Promise<{ host: Socket; sessionId: string }> {
  const host = await openSocket(server.url, await guestToken(server.url, 'host'));
  const { sessionId } = await request(host, 'create-session');
  assert.equal((await request(host, 'join-session', sessionId)).ok, true);
  return { host, sessionId };
}

describe('socket resource limits', () => {
  it('R1: a client that stops reading is dropped past MAX_QUEUED_BYTES; the others keep every delta', async () => {
    const env = {
      MAX_UPDATE_BYTES: String(256 * KiB),
      MAX_STATE_BYTES: String(1 * MiB),
      MAX_SESSION_LAYER_BYTES: String(1 * MiB),
      MAX_QUEUED_BYTES: String(2 * MiB),
      UPDATES_PER_SECOND: '1000',
      UPDATES_BURST: '1000',
    };
    await withServer(env, async (server) => {
      const { host, sessionId } = await table(server);
      const watcher = await member(server, sessionId, 'watcher');
      const idle = await guest(server.url, 'idle');
      const reader = await openSocket(server.url, idle.token);
      assert.equal((await request(reader, 'join-session', sessionId)).ok, true);
      let present = true;
      watcher.on(PRESENCE_EVENT, (event: PresenceEvent) => (present = event.members.some((m) => m.id === idle.user.id)));
      const versions: number[] = [];
      watcher.on('game-state-delta', (delta: { version: number }) => versions.push(delta.version));
      // the reader's TCP socket stops reading: what the server sends it piles up in the server
      (reader.io.engine.transport as unknown as { ws: { _socket: { pause(): void } } }).ws._socket.pause();

      // each delta carries the old and the new array, ~300 KB: 100 of them are far past any
      // kernel buffer plus the cap, and the loop ends as soon as the server let the reader go
      let last = 0;
      for (let round = 1; round <= 100 && present; round++) {
        const answer = await request(host, 'update-game-state', { updates: { bulk: new Array(50_000).fill(round % 10) } });
        assert.equal(answer.ok, true, JSON.stringify(answer));
        last = answer.version;
      }
      reader.close();
      assert.equal(present, false, 'the reader that does not read was dropped');
      await nextEventUntil(watcher, () => versions.at(-1) === last);
      assert.deepEqual(versions, Array.from({ length: versions.length }, (_, i) => (versions[0] as number) + i), 'every delta, in order');
      const late = await member(server, sessionId, 'late');
      assert.equal((await request(late, 'update-game-state', { updates: { bulk: 'still serving' } })).ok, true);
      for (const socket of [host, watcher, late]) socket.close();
    });
  });

  it('R2: joins and full states are rate-limited per socket; the acks carry nothing else', async () => {
    await withServer({ FULL_STATES_PER_MINUTE: '1', FULL_STATES_BURST: '3' }, async (server) => {
      const { host, sessionId } = await table(server);
      const answers = await Promise.all(
        Array.from({ length: 4 }, () => request(host, 'request-missing-updates', { fromVersion: 0, full: true })),
      );
      assert.deepEqual(answers.slice(0, 2), [{ ok: true }, { ok: true }]);
      assert.deepEqual(answers.slice(2).map((answer) => answer.error?.code), ['rate-limited', 'rate-limited']);
      const again = await request(host, 'join-session', sessionId);
      assert.equal(again.error?.code, 'rate-limited');
      // a delta catch-up the history holds costs no full state
      assert.deepEqual(await request(host, 'request-missing-updates', { fromVersion: 0 }), { ok: true });
      const other = await member(server, sessionId, 'other');
      assert.deepEqual(await request(other, 'request-missing-updates', { fromVersion: 0, full: true }), { ok: true });
      for (const socket of [host, other]) socket.close();
    });
  });

  it('R3: one full state at a time per socket: the next is made once the one before is written out', async () => {
    await withServer({}, async (server) => {
      const { host, sessionId } = await table(server);
      assert.equal((await request(host, 'update-game-state', { updates: { notes: 'first' } })).ok, true);
      const client = await PollingClient.connect(server.url, await guestToken(server.url, 'poller'));
      const [joinId] = await client.emit(['join-session', sessionId]);
      await pollUntil(client, (packets) => packets.some((packet) => packet.id === joinId) && packets.some(isFullState));

      // two full states asked for while nothing is polled, then the table moves on
      const ids = await client.emit(
        ['request-missing-updates', { fromVersion: 0, full: true }],
        ['request-missing-updates', { fromVersion: 0, full: true }],
      );
      const { version } = await request(host, 'update-game-state', { updates: { notes: 'second' } });
      const polls = await pollUntil(client, (packets) => ids.every((id) => packets.some((packet) => packet.id === id)));

      const fullStates = polls.map((packets) => packets.filter(isFullState).map((packet) => fullStateOf(packet).version));
      assert.ok(fullStates.every((inPoll) => inPoll.length <= 1), `full states per poll: ${JSON.stringify(fullStates)}`);
      assert.deepEqual(fullStates.flat(), [version, version], 'each made after the one before was written, so after the update');
      await client.close();
      host.close();
    });
  });

  it('R4: a frame over its event\'s limit is refused too-large before it is parsed or validated; the table goes on', async () => {
    const env = { MAX_UPDATE_BYTES: String(64 * KiB), MAX_EVENT_BYTES: String(16 * KiB) };
    await withServer(env, async (server) => {
      const { host, sessionId } = await table(server);
      const stranger = await openSocket(server.url, await guestToken(server.url, 'stranger'));
      const filler = 'x'.repeat(100 * KiB);
      // over 64 + 16 KiB, under the transport's limit (2 × 64 + 64 KiB): parsed, it would be
      // not-in-session for the stranger and invalid-payload for the host
      for (const socket of [stranger, host]) {
        const answer = await request(socket, 'update-game-state', { updates: 5, filler });
        assert.equal(answer.error?.code, 'too-large', JSON.stringify(answer));
      }
      const join = await request(stranger, 'join-session', { sessionId, padding: filler.slice(0, 20 * KiB) });
      assert.equal(join.error?.code, 'too-large', 'a small event has the small limit');
      assert.equal(stranger.connected, true);

      const watcher = await member(server, sessionId, 'watcher');
      const delta = nextEvent(watcher, 'game-state-delta');
      const { version } = await request(host, 'update-game-state', { updates: { notes: 'x'.repeat(60 * KiB) } });
      assert.equal((await delta).version, version, 'an update within its limit goes through');

      // a large frame whose event cannot be read is a protocol violation: only its sender goes
      const closed = nextEvent(stranger, 'disconnect');
      (stranger.io.engine as unknown as { write(data: string): void }).write(`2[5,"${filler}"]`);
      await closed;
      assert.equal((await request(watcher, 'update-game-state', { updates: { notes: 'up' } })).ok, true);
      for (const socket of [host, watcher]) socket.close();
    });
  });

  it('R5: the JSON walk stops past MAX_JSON_NODES values', () => {
    assert.equal(isSafeJson(new Array(MAX_JSON_NODES - 1).fill(0)), true);
    assert.equal(isSafeJson(new Array(MAX_JSON_NODES).fill(0)), false);
    assert.equal(isSafeJson({ a: new Array(MAX_JSON_NODES / 2).fill([0]) }), false);
  });
});

function isFullState(packet: PolledPacket): boolean {
  return Array.isArray(packet.data) && packet.data[0] === 'full-game-state';
}

function fullStateOf(packet: PolledPacket): { version: number } {
  return (packet.data as [string, { version: number }])[1];
}

/** Polls until `done` holds for everything received; returns what each poll brought. */
async function pollUntil(client: PollingClient, done: (packets: PolledPacket[]) => boolean, maxPolls = 10): Promise<PolledPacket[][]> {
  const polls: PolledPacket[][] = [];
  while (!done(polls.flat())) {
    if (polls.length === maxPolls) throw new Error(`not there after ${maxPolls} polls: ${JSON.stringify(polls).slice(0, 400)}`);
    polls.push(await client.poll());
  }
  return polls;
}

/** Waits for events of the socket until `done` holds. */
async function nextEventUntil(socket: Socket, done: () => boolean): Promise<void> {
  while (!done()) await nextEvent(socket, 'game-state-delta');
}
