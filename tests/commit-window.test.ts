import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Socket } from 'socket.io-client';
import { loadConfig } from '../server/config';
import { createLogger } from '../server/logger';
import { startServer, type RunningServer } from '../server/server';
import { canonicalJson } from '../shared/canonical-json';
import { crc32Utf8 } from '../shared/crc32';
import type { FullGameState, GameStateDelta } from '../shared/protocol';
import { eventually, guestToken, nextEvent, openSocket, request } from './support/harness';
import { HeldCommits } from './support/held-commits';
import { tempDir } from './support/temp-dir';
import { joinAndRead } from './support/update-stream';

interface Table {
  server: RunningServer;
  store: HeldCommits;
  sender: Socket;
  receiver: Socket;
  sessionId: string;
}

/** The real server on SQLite whose commits the test holds, with a sender and a receiver joined to one table. */
async function heldTable(): Promise<Table> {
  const dataDir = await tempDir('gamebook-window-');
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  const store = HeldCommits.openHeld(path.join(dataDir, 'gamebook.sqlite'));
  const server = await startServer(config, store, createLogger('silent'));
  const sender = await openSocket(server.url, await guestToken(server.url, 'sender'));
  const receiver = await openSocket(server.url, await guestToken(server.url, 'receiver'));
  const { sessionId } = await request(sender, 'create-session');
  await joinAndRead(sender, sessionId);
  await joinAndRead(receiver, sessionId);
  return { server, store, sender, receiver, sessionId };
}

async function close({ server, sender, receiver }: Table): Promise<void> {
  sender.close();
  receiver.close();
  await server.close();
}

describe('the window between relay and commit', () => {
  it('W2: others get the delta as soon as it is applied; the sender is acknowledged only once it is committed', async () => {
    const table = await heldTable();
    const { store, sender, receiver } = table;
    let acked = false;
    const delivered = nextEvent<GameStateDelta>(receiver, 'game-state-delta');
    const ack = request(sender, 'update-game-state', { updates: { hp: 7 }, updateId: 'a-1' }).then((answer) => {
      acked = true;
      return answer;
    });
    const delta = await delivered;
    assert.equal(delta.version, 1);
    await eventually(() => store.waiting === 1, 5000, 'the commit to be held');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(acked, false, 'no ack while the commit is held');
    // a resend of it meanwhile is not applied again, and waits for the same commit
    let resendAcked = false;
    const resend = request(sender, 'update-game-state', { updates: { hp: 7 }, updateId: 'a-1' }).then((answer) => {
      resendAcked = true;
      return answer;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(resendAcked, false, 'no ack of the resend either');
    store.release();
    assert.deepEqual(await ack, { ok: true, version: 1 });
    assert.deepEqual(await resend, { ok: true, version: 1 });
    assert.equal(store.waiting, 0, 'one commit: the resend was not applied again');
    await close(table);
  });

  it('W3: a commit that fails after the relay rolls the table back to what is stored, for every member; the resend is applied once', async () => {
    const table = await heldTable();
    const { store, sender, receiver, sessionId } = table;
    const first = request(sender, 'update-game-state', { updates: { hp: 1 }, updateId: 'a-1' });
    await eventually(() => store.waiting === 1);
    store.release();
    await first;

    const seen = nextEvent<GameStateDelta>(receiver, 'game-state-delta');
    const rolledBack = nextEvent<FullGameState>(receiver, 'full-game-state');
    const failed = request(sender, 'update-game-state', { updates: { hp: 2 }, updateId: 'a-2' });
    assert.equal((await seen).version, 2, 'the receiver saw version 2 before its commit');
    await eventually(() => store.waiting === 1);
    store.release('fail');
    const refusal = await failed;
    assert.equal(refusal.ok, false);
    assert.equal(refusal.error.code, 'internal');
    const full = await rolledBack;
    assert.equal(full.version, 1);
    assert.deepEqual(full.state, { hp: 1 });
    assert.equal(full.crc, crc32Utf8(canonicalJson(full.state)));

    const resent = request(sender, 'update-game-state', { updates: { hp: 2 }, updateId: 'a-2', baseVersion: 1 });
    await eventually(() => store.waiting === 1);
    store.release();
    assert.deepEqual(await resent, { ok: true, version: 2 });
    const reader = await openSocket(table.server.url, await guestToken(table.server.url, 'reader'));
    const after = await joinAndRead(reader, sessionId);
    assert.equal(after.version, 2);
    assert.deepEqual(after.state, { hp: 2 });
    reader.close();
    await close(table);
  });

  it('W4: a rejoin whose CRC is not the server\'s at its version gets the full state, one whose CRC matches gets deltas', async () => {
    const table = await heldTable();
    const { server, store, sender, sessionId } = table;
    const update = request(sender, 'update-game-state', { updates: { hp: 3 } });
    await eventually(() => store.waiting === 1);
    store.release();
    await update;
    const rejoin = async (crc: number) => {
      const socket = await openSocket(server.url, await guestToken(server.url, 'back'));
      const answer = Promise.race([
        nextEvent(socket, 'missing-updates').then(() => 'deltas'),
        nextEvent(socket, 'full-game-state').then(() => 'full'),
      ]);
      await request(socket, 'join-session', { sessionId, fromVersion: 1, crc });
      const got = await answer;
      socket.close();
      return got;
    };
    const crc = crc32Utf8(canonicalJson({ hp: 3 }));
    assert.equal(await rejoin(crc), 'deltas');
    // the same version number with other content: a version the client saw, lost and numbered again
    assert.equal(await rejoin(crc32Utf8(canonicalJson({ hp: 4 }))), 'full');
    await close(table);
  });

  it('W6: updates applied while a commit runs are appended together once it is done, in one store call, and acknowledged once that commits', async () => {
    const table = await heldTable();
    const { store, sender, receiver, sessionId } = table;
    const first = request(sender, 'update-game-state', { updates: { hp: 1 }, updateId: 's-1' });
    await eventually(() => store.waiting === 1, 5000, 'the first commit to be held');
    const acked: number[] = [];
    // one after another, each relayed before the next is sent: versions 2, 3, 4 in this order
    const later: Array<Promise<{ version: number }>> = [];
    for (const [socket, updates, updateId] of [
      [sender, { hp: 2 }, 's-2'],
      [receiver, { mp: 5 }, 'r-1'],
      [sender, { hp: 3 }, 's-3'],
    ] as const) {
      const relayed = nextEvent<GameStateDelta>(receiver, 'game-state-delta');
      later.push(request(socket, 'update-game-state', { updates, updateId }).then((ack) => (acked.push(ack.version), ack)));
      assert.equal((await relayed).version, later.length + 1, 'relayed while the first commit is still held');
    }
    assert.deepEqual(store.appends, [[1]], 'nothing else asked of the store while the first commit runs');
    store.release();
    assert.deepEqual(await first, { ok: true, version: 1 });
    await eventually(() => store.waiting === 1, 5000, 'the batch to be held');
    assert.deepEqual(store.appends, [[1], [2, 3, 4]], 'the three queued behind it go in one call');
    assert.deepEqual(acked, [], 'none acknowledged before its batch commits');
    store.release();
    assert.deepEqual((await Promise.all(later)).map((ack) => ack.version), [2, 3, 4]);
    const stored = await store.loadSession(sessionId);
    assert.deepEqual(stored?.log.map((entry) => [entry.version, entry.updateId]), [[1, 's-1'], [2, 's-2'], [3, 'r-1'], [4, 's-3']]);
    assert.deepEqual(
      stored?.applied.map(({ clientKey, seq, version }) => [clientKey, seq, version]).sort(),
      [['r', 1, 3], ['s', 3, 4]],
      "each client's last update of the batch is what a resend is checked against",
    );
    await close(table);
  });
});
