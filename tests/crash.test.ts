import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import type { Socket } from 'socket.io-client';
import { syncClient, type TestClient } from './support/clients';
import { eventually, guestToken, nextEvent, openSocket, request } from './support/harness';
import { freePort, startServerProcess, type ServerProcess } from './support/server-process';
import { tempDir } from './support/temp-dir';
import {
  assertDurable,
  assertLayersDurable,
  gameStateUpdate,
  joinAndRead,
  keyOf,
  layerUpdate,
  newRecord,
  streamUpdates,
  type NumberedUpdate,
  type StreamRecord,
} from './support/update-stream';

/** No rate limit in the way of a client streaming as fast as it can. */
const UNLIMITED = { UPDATES_PER_SECOND: '1000000', UPDATES_BURST: '1000000' };

async function serverEnv(): Promise<Record<string, string>> {
  return { PORT: String(await freePort()), DATA_DIR: await tempDir('gamebook-crash-'), ...UNLIMITED };
}

async function connect(server: ServerProcess): Promise<Socket> {
  return openSocket(server.url, await guestToken(server.url));
}

/** A server process of its own, a client that made a table and joined it, and a fresh record of its updates. */
async function serverWithTable() {
  const env = await serverEnv();
  const record = newRecord();
  const server = await startServerProcess(env);
  const socket = await connect(server);
  const { sessionId } = await request(socket, 'create-session');
  await joinAndRead(socket, sessionId);
  return { env, record, server, socket, sessionId: sessionId as string };
}

/** Streams until `acks` more acknowledgements came in, then sends `signal`; returns once the process is gone. */
async function streamThenSignal(
  server: ServerProcess,
  socket: Socket,
  record: StreamRecord,
  first: number,
  acks: number,
  signal: NodeJS.Signals,
  send: NumberedUpdate = gameStateUpdate,
): Promise<{ sent: number; exitCode: number | null }> {
  const ackedBefore = record.acked.size;
  const stream = streamUpdates(socket, record, first, 16, send);
  await eventually(() => record.acked.size - ackedBefore >= acks, 10_000, `${acks} acknowledgements`);
  const disconnected = nextEvent(socket, 'disconnect', 10_000);
  server.child.kill(signal);
  // acks the server sent before it died still arrive: the disconnect comes after them
  await disconnected;
  stream.stop();
  socket.close();
  return { sent: stream.sent, exitCode: await server.exited };
}

describe('durability across real server processes', () => {
  it('C1: every acknowledged update survives kill -9, at different moments, again and again', async () => {
    const env = await serverEnv();
    const record = newRecord();
    let sessionId: string | undefined;
    let next = 1;
    // 0: killed right after the first updates went out, before any ack; then ever later
    for (const acks of [0, 3, 40, 150]) {
      const server = await startServerProcess(env);
      const socket = await connect(server);
      sessionId ??= (await request(socket, 'create-session')).sessionId as string;
      assertDurable(await joinAndRead(socket, sessionId), record);
      const { sent, exitCode } = await streamThenSignal(server, socket, record, next, acks, 'SIGKILL');
      assert.equal(exitCode, null, 'killed by the signal');
      next += sent;
    }
    assert.ok(record.acked.size >= 193, `acknowledged ${record.acked.size}`);

    const server = await startServerProcess(env);
    const socket = await connect(server);
    const full = await joinAndRead(socket, sessionId as string);
    assertDurable(full, record);
    const ack = await request(socket, 'update-game-state', { updates: { [keyOf(next)]: next } });
    assert.deepEqual(ack, { ok: true, version: full.version + 1 }, 'versions continue where they were');
    socket.close();
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0);
  });

  it('C2: SIGTERM answers what is in flight, flushes, and exits 0', async () => {
    const { env, record, server, socket, sessionId } = await serverWithTable();
    const { exitCode } = await streamThenSignal(server, socket, record, 1, 30, 'SIGTERM');
    assert.equal(exitCode, 0, server.output());
    const wal = await stat(path.join(env.DATA_DIR as string, 'gamebook.sqlite-wal')).catch(() => null);
    assert.ok(!wal || wal.size === 0, 'the WAL was checkpointed into the database file');

    const again = await startServerProcess(env);
    const reader = await connect(again);
    assertDurable(await joinAndRead(reader, sessionId), record);
    reader.close();
    again.child.kill('SIGTERM');
    assert.equal(await again.exited, 0);
  });

  it('C3: every acknowledged update-layers survives kill -9', async () => {
    const env = await serverEnv();
    const record = newRecord();
    let sessionId: string | undefined;
    let next = 1;
    for (const acks of [5, 60]) {
      const server = await startServerProcess(env);
      const socket = await connect(server);
      sessionId ??= (await request(socket, 'create-session')).sessionId as string;
      assertLayersDurable(await joinAndRead(socket, sessionId), record);
      const { sent, exitCode } = await streamThenSignal(server, socket, record, next, acks, 'SIGKILL', layerUpdate);
      assert.equal(exitCode, null, 'killed by the signal');
      next += sent;
    }
    assert.ok(record.acked.size >= 65, `acknowledged ${record.acked.size}`);
    assert.equal(record.refused.size, 0, 'nothing was refused');

    const server = await startServerProcess(env);
    const socket = await connect(server);
    assertLayersDurable(await joinAndRead(socket, sessionId as string), record);
    socket.close();
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0);
  });

  it('C10: a receiver saw version N, the server died before committing it: after the restart everyone converges and the edit is applied once', async () => {
    const env = await serverEnv();
    // each commit starts 2 s late: the kill lands after the relay, before the commit
    const slow = await startServerProcess({ ...env, COMMIT_DELAY_MS: '2000' }, 'tests/support/slow-commit-server.ts');
    const stepper = await syncClient(slow.url, 'stepper', { retryMs: 50 });
    const watcher = await syncClient(slow.url, 'watcher', { retryMs: 50 });
    const { sessionId } = await request(stepper.socket, 'create-session');
    await stepper.client.join(sessionId);
    await watcher.client.join(sessionId);
    watcher.client.update({ gold: 10 });
    await eventually(() => watcher.client.pendingEdits === 0, 10_000, 'the first edit committed');
    await eventually(() => stepper.client.version === 1);

    // one step, counted as such (an `add` intent): applied twice, it would show 12
    stepper.client.update({ gold: 11 }, 'counter', [{ path: ['gold'], op: 'add' }]);
    await eventually(() => watcher.client.version === 2, 10_000, 'the watcher to see version 2');
    assert.equal(watcher.client.confirmedState.gold, 11);
    assert.equal(stepper.client.pendingEdits, 1, 'not acknowledged: not committed yet');
    slow.child.kill('SIGKILL');
    assert.equal(await slow.exited, null);

    const server = await startServerProcess(env);
    const converged = (a: TestClient, b: TestClient) =>
      a.client.status === 'connected' && b.client.status === 'connected' && a.client.pendingEdits === 0 &&
      a.client.version === b.client.version && a.client.confirmedCrc === b.client.confirmedCrc;
    await eventually(() => converged(stepper, watcher), 15_000, 'both clients to converge after the restart');
    const reader = await connect(server);
    const full = await joinAndRead(reader, sessionId);
    assert.deepEqual(full.state, { gold: 11 }, 'the step is applied once');
    assert.equal(full.version, 2, 'version 2 again: the lost one, given to the resent edit');
    assert.equal(watcher.client.confirmedCrc, full.crc);
    assert.deepEqual(watcher.client.confirmedState, full.state);
    for (const socket of [reader, stepper.socket, watcher.socket]) socket.close();
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0);
  });

  it('C11: kill -9 while the writer thread holds a batch (its commit waits on a lock): nothing acknowledged is lost, nothing held was acknowledged', async () => {
    const { env, record, server, socket, sessionId } = await serverWithTable();
    const stream = streamUpdates(socket, record, 1, 16);
    await eventually(() => record.acked.size >= 20, 10_000, '20 acknowledgements');
    // another connection takes the write lock: the writer thread's next batch waits on it (busy_timeout, 5 s)
    const blocker = new BetterSqlite3(path.join(env.DATA_DIR as string, 'gamebook.sqlite'));
    blocker.exec('BEGIN IMMEDIATE');
    // acks of what was committed before the lock still come in (until none came for 400 ms); then none
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    for (let quiet = 0, seen = -1, waited = 0; quiet < 400 && waited < 3000; waited += 100) {
      quiet = record.acked.size === seen ? quiet + 100 : 0;
      seen = record.acked.size;
      await pause(100);
    }
    const ackedBeforeHold = record.acked.size;
    await pause(700);
    assert.equal(record.acked.size, ackedBeforeHold, 'no ack while the writer cannot commit');
    assert.equal(record.refused.size, 0);
    assert.ok(stream.sent > ackedBeforeHold, `updates held in the writer: sent ${stream.sent}, acknowledged ${ackedBeforeHold}`);
    const disconnected = nextEvent(socket, 'disconnect', 10_000);
    server.child.kill('SIGKILL');
    await disconnected;
    stream.stop();
    socket.close();
    assert.equal(await server.exited, null, 'killed by the signal');
    blocker.exec('ROLLBACK');
    blocker.close();

    const again = await startServerProcess(env);
    const reader = await connect(again);
    const full = await joinAndRead(reader, sessionId);
    assertDurable(full, record);
    assert.equal(full.version, Math.max(...record.acked.values()), 'the batch held in the writer was never committed');
    reader.close();
    again.child.kill('SIGTERM');
    assert.equal(await again.exited, 0);
  });
});
