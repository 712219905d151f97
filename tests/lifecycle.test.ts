import assert from 'node:assert/strict';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Socket } from 'socket.io-client';
import type { SessionDependent } from '../server/storage/session-dependent';
import { canonicalJson } from '../shared/canonical-json';
import { crc32Utf8 } from '../shared/crc32';
import { guestToken, nextEvent, openSocket, request, startTestServer, type TestServer } from './support/harness';
import { tempDir } from './support/temp-dir';
import { joinAndRead } from './support/update-stream';

// a snapshot every 2 versions: reloads go through snapshot + log, as they do after 500 in production
const SQLITE = { STORAGE: 'sqlite', SESSION_IDLE_SECONDS: '0.05', HOUSEKEEPING_SECONDS: '3600', SNAPSHOT_EVERY: '2' };
const DAY_S = 24 * 60 * 60;

async function client(server: TestServer): Promise<Socket> {
  return openSocket(server.url, await guestToken(server.url));
}

async function newSession(server: TestServer, updates = 0): Promise<{ socket: Socket; sessionId: string }> {
  const socket = await client(server);
  const { sessionId } = await request(socket, 'create-session');
  await joinAndRead(socket, sessionId);
  for (let i = 1; i <= updates; i++) await request(socket, 'update-game-state', { updates: { hp: i } });
  return { socket, sessionId };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Closes the socket and sweeps until housekeeping has let the session go (once idle long enough). */
async function leaveUntilEvicted(server: TestServer, socket: Socket, sessionId: string): Promise<void> {
  socket.close();
  for (let attempt = 0; attempt < 100; attempt++) {
    if ((await server.housekeeping.sweep()).evicted.includes(sessionId)) return;
    await pause(20);
  }
  assert.fail(`session ${sessionId} was never evicted`);
}

/** Per-session files, as the PDF store keeps them: removed with their session. */
class SessionFiles implements SessionDependent {
  readonly name = 'test files';
  constructor(private readonly root: string) {}
  async add(sessionId: string): Promise<void> {
    await mkdir(path.join(this.root, sessionId), { recursive: true });
    await writeFile(path.join(this.root, sessionId, 'book.pdf'), '%PDF-1.7');
  }
  async removeSessions(sessionIds: readonly string[]): Promise<void> {
    for (const id of sessionIds) await rm(path.join(this.root, id), { recursive: true, force: true });
  }
  list(): Promise<string[]> {
    return readdir(this.root);
  }
}

describe('session lifecycle on SQLite', () => {
  it('L0: /healthz says the node is ready and its storage answers', async (t) => {
    const server = await startTestServer(SQLITE);
    t.after(() => server.stop());
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { ok: true, status: 'ok', engines: { storage: 'up' } });
  });

  it('L1: an idle session leaves memory once nobody is in it, and comes back whole with its history', async (t) => {
    const server = await startTestServer(SQLITE);
    t.after(() => server.stop());
    const { socket, sessionId } = await newSession(server, 3);
    await pause(60);
    assert.deepEqual((await server.housekeeping.sweep()).evicted, [], 'a joined session stays');

    await leaveUntilEvicted(server, socket, sessionId);
    assert.equal(server.registry.loadedIds().has(sessionId), false, 'evicted once idle');

    // back: loaded from the store with its history, so a client at version 1 gets deltas
    const again = await client(server);
    const missing = nextEvent(again, 'missing-updates');
    await request(again, 'join-session', { sessionId, fromVersion: 1 });
    assert.deepEqual((await missing).deltas.map((d: { version: number }) => d.version), [2, 3]);
    assert.deepEqual(await request(again, 'update-game-state', { updates: { hp: 4 } }), { ok: true, version: 4 });
    again.close();
  });

  it('L2: a session with queued work is not evicted', async (t) => {
    const server = await startTestServer(SQLITE);
    t.after(() => server.stop());
    const { socket, sessionId } = await newSession(server);
    await leaveUntilEvicted(server, socket, sessionId);
    const session = await server.registry.get(sessionId);
    let release = () => {};
    const busy = session.exclusive(() => new Promise<void>((resolve) => (release = resolve)));
    await pause(60);
    assert.deepEqual(server.registry.evictIdle(0), [], 'its queue is busy');
    release();
    await busy;
    assert.deepEqual(server.registry.evictIdle(0), [sessionId]);
  });

  it('L3: a session unused past its TTL is removed with its files; one in use is kept', async (t) => {
    const files = new SessionFiles(await tempDir('gamebook-files-'));
    const server = await startTestServer({ ...SQLITE, SESSION_TTL_DAYS: String(0.3 / DAY_S) }, { dependents: [files] });
    t.after(() => server.stop());
    const old = await newSession(server, 2);
    const inUse = await newSession(server, 2);
    await files.add(old.sessionId);
    await files.add(inUse.sessionId);
    old.socket.close();
    await pause(400);

    const { expired } = await server.housekeeping.sweep();
    assert.deepEqual(expired, [old.sessionId]);
    assert.deepEqual(await files.list(), [inUse.sessionId]);
    const late = await client(server);
    const refused = await request(late, 'join-session', old.sessionId);
    assert.equal(refused.error?.code, 'unknown-session');
    assert.deepEqual(await request(inUse.socket, 'update-game-state', { updates: { hp: 3 } }), { ok: true, version: 3 });
    late.close();
    inUse.socket.close();
  });

  it('L4: a full disk refuses the update, changes nothing, and keeps what was stored', async (t) => {
    const dataDir = await tempDir('gamebook-full-');
    let server = await startTestServer({ ...SQLITE, DATA_DIR: dataDir, STORAGE_MAX_BYTES: String(96 * 1024) });
    t.after(() => server.stop());
    const { socket, sessionId } = await newSession(server);
    let version = 0;
    let refusal: { code: string; message: string } | undefined;
    for (let i = 1; !refusal && i < 20; i++) {
      const ack = await request(socket, 'update-game-state', { updates: { [`page${i}`]: 'x'.repeat(20_000) } });
      if (ack.ok) version = ack.version;
      else refusal = ack.error;
    }
    assert.equal(refusal?.code, 'internal');
    assert.match(refusal?.message ?? '', /nothing was changed/);
    assert.ok(version >= 1);
    const session = await server.registry.get(sessionId);
    assert.equal(session.currentVersion, version);
    const before = await joinAndRead(await client(server), sessionId);
    assert.equal(before.version, version);
    assert.equal(Object.keys(before.state).length, version, 'only the stored updates are in the state');
    assert.equal(before.crc, crc32Utf8(canonicalJson(before.state)));
    socket.close();
    await server.stop();

    server = await startTestServer({ ...SQLITE, DATA_DIR: dataDir });
    const reader = await client(server);
    const after = await joinAndRead(reader, sessionId);
    assert.deepEqual(after, before, 'the same state after a restart');
    reader.close();
  });
});
