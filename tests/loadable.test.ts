import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Delta } from '../shared/diff';
import type { JsonObject } from '../shared/json';
import type { GameStateDelta } from '../shared/protocol';
import { StateDocument } from '../shared/state-document';
import { SqliteSessionStore } from '../server/storage/sqlite/sqlite-store';
import { guest, nextEvent, openSocket, request, startTestServer, type TestServer } from './support/harness';
import { tempDir } from './support/temp-dir';

const SQLITE = { STORAGE: 'sqlite', HOUSEKEEPING_SECONDS: '3600' };

/** A log entry for `state`, with the CRC a server would have broadcast for it. */
function entry(version: number, delta: object, state: JsonObject): GameStateDelta {
  return { version, fromVersion: version - 1, delta: delta as Delta, crc: new StateDocument(state).crc() };
}

/** A table made on a server that is then stopped; its database is left for the test to write. */
async function storedTable(dataDir: string): Promise<{ sessionId: string; token: string }> {
  const server = await startTestServer({ ...SQLITE, DATA_DIR: dataDir });
  const host = await guest(server.url, 'host');
  const socket = await openSocket(server.url, host.token);
  const { sessionId } = await request(socket, 'create-session');
  socket.disconnect();
  await server.stop();
  return { sessionId, token: host.token };
}

async function withStore(dataDir: string, write: (store: SqliteSessionStore) => Promise<void>): Promise<void> {
  const store = SqliteSessionStore.open({ file: path.join(dataDir, 'gamebook.sqlite'), sync: 'full' });
  await write(store);
  await store.close();
}

async function fullStateOf(server: TestServer, token: string, sessionId: string) {
  const socket = await openSocket(server.url, token);
  const full = nextEvent(socket, 'full-game-state');
  const ack = await request(socket, 'join-session', sessionId);
  assert.ok(ack.ok, JSON.stringify(ack));
  const state = await full;
  socket.disconnect();
  return state;
}

describe('every table stays loadable', () => {
  it('B10: a key the delta format gives a meaning (_t) is refused with invalid-payload, anywhere', async (t) => {
    const server = await startTestServer();
    t.after(() => server.stop());
    const host = await guest(server.url, 'host');
    const socket = await openSocket(server.url, host.token);
    t.after(() => socket.disconnect());
    const { sessionId } = await request(socket, 'create-session');
    await request(socket, 'join-session', sessionId);
    for (const updates of [{ sheet: { _t: 1, hp: 5 } }, { _t: 1 }, { notes: [{ id: 'n', deep: { _t: 'a' } }] }]) {
      const ack = await request(socket, 'update-game-state', { updates });
      assert.equal(ack.error?.code, 'invalid-payload', JSON.stringify(updates));
    }
    assert.deepEqual((await server.registry.get(sessionId)).state, {}, 'nothing changed');
  });

  it('B11: a log written before _t was refused still replays after a restart', async () => {
    const dataDir = await tempDir('gamebook-b11-');
    const { sessionId, token } = await storedTable(dataDir);
    await withStore(dataDir, async (store) => {
      await store.appendUpdates(sessionId, [{ entry: entry(1, { sheet: [{ _t: 1, hp: 5 }] }, { sheet: { _t: 1, hp: 5 } }) }]);
      await store.appendUpdates(sessionId, [{ entry: entry(2, { sheet: { _t: [1, 2], hp: [5, 6] } }, { sheet: { _t: 2, hp: 6 } }) }]);
    });
    const server = await startTestServer({ ...SQLITE, DATA_DIR: dataDir });
    try {
      const full = await fullStateOf(server, token, sessionId);
      assert.deepEqual(full.state, { sheet: { _t: 2, hp: 6 } });
      assert.equal(full.version, 2);
      assert.equal(full.crc, new StateDocument(full.state).crc());
    } finally {
      await server.stop();
    }
  });

  it('B12: a table whose log does not replay is loaded from its newest snapshot, losing none of it', async () => {
    const dataDir = await tempDir('gamebook-b12-');
    const { sessionId, token } = await storedTable(dataDir);
    await withStore(dataDir, async (store) => {
      await store.appendUpdates(sessionId, [{ entry: entry(1, { hp: [5] }, { hp: 5 }) }]);
      // damaged: an array delta for a number, which no patcher can apply
      await store.appendUpdates(sessionId, [{ entry: entry(2, { hp: { _t: 'a', 0: [6] } }, { hp: 6 }) }]);
      await store.appendUpdates(sessionId, [{ entry: entry(3, { hp: [6, 7] }, { hp: 7 }) }]);
      await store.saveSnapshot(sessionId, { version: 3, state: { hp: 7 } }, -1, 0);
    });
    const server = await startTestServer({ ...SQLITE, DATA_DIR: dataDir });
    try {
      const full = await fullStateOf(server, token, sessionId);
      assert.deepEqual({ state: full.state, version: full.version }, { state: { hp: 7 }, version: 3 });
      assert.equal(full.crc, new StateDocument({ hp: 7 }).crc());
    } finally {
      await server.stop();
    }
  });
});
