import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Socket } from 'socket.io-client';
import type { JsonObject } from '../shared/json';
import { eventually, guest, nextEvent, openSocket, request, startTestServer, type Guest, type TestServer } from './support/harness';
import { LossySocket, syncClient, type TestClient } from './support/clients';
import { SyncClient } from '../shared/sync-client';
import { tempDir } from './support/temp-dir';

const SQLITE = { STORAGE: 'sqlite', HOUSEKEEPING_SECONDS: '3600' };

/** A guest's socket joined to `sessionId`, with the state the join brought. */
async function joined(server: TestServer, who: Guest, sessionId: string): Promise<{ socket: Socket; state: JsonObject; version: number }> {
  const socket = await openSocket(server.url, who.token);
  const full = nextEvent(socket, 'full-game-state');
  const ack = await request(socket, 'join-session', sessionId);
  assert.ok(ack.ok, JSON.stringify(ack));
  const { state, version } = await full;
  return { socket, state, version };
}

/** A table made by `who`, who has not joined it yet. */
async function createTable(server: TestServer, who: Guest): Promise<string> {
  const creator = await openSocket(server.url, who.token);
  const { sessionId } = await request(creator, 'create-session');
  creator.disconnect();
  return sessionId as string;
}

async function update(socket: Socket, payload: object): Promise<any> {
  return request(socket, 'update-game-state', payload);
}

function settled(clients: TestClient[]) {
  return () => clients.every(({ client }) => client.status === 'connected' && client.pendingEdits === 0 && client.version === clients[0]?.client.version);
}

async function syncTable(server: TestServer, count: number, options = {}): Promise<TestClient[]> {
  const clients = await Promise.all(Array.from({ length: count }, (_, i) => syncClient(server.url, `p${i}`, options)));
  const { sessionId } = await (clients[0] as TestClient).socket.emitWithAck('create-session');
  await Promise.all(clients.map(({ client }) => client.join(sessionId)));
  await eventually(settled(clients), 5000, 'everyone joined');
  return clients;
}

describe('nothing players do is lost', () => {
  for (const how of ['restart', 'eviction'] as const) {
    it(`S10 (${how}): a resend of an applied update is not applied again, even after a ${how}`, async (t) => {
      const dataDir = await tempDir('gamebook-s10-');
      let server = await startTestServer({ ...SQLITE, DATA_DIR: dataDir });
      t.after(() => server.stop());
      const [a, b] = [await guest(server.url, 'A'), await guest(server.url, 'B')];
      const sessionId = await createTable(server, a);
      const host = await joined(server, a, sessionId);
      const gem = { updates: { items: [{ id: 'gem', name: 'gem' }] }, baseVersion: 0, updateId: 'uA-1' };
      assert.deepEqual(await update(host.socket, gem), { ok: true, version: 1 });
      host.socket.disconnect();

      if (how === 'restart') {
        await server.stop();
        server = await startTestServer({ ...SQLITE, DATA_DIR: dataDir });
      } else {
        await eventually(() => server.registry.evictIdle(0).includes(sessionId), 5000, 'the session evicted');
      }
      const player = await joined(server, b, sessionId);
      assert.deepEqual(await update(player.socket, { updates: { items: [] }, baseVersion: 1, updateId: 'uB-1' }), { ok: true, version: 2 });

      // A's ack was lost: its client sends the same update again, from the base it was made on
      const again = await joined(server, a, sessionId);
      assert.deepEqual(await update(again.socket, gem), { ok: true, version: 1 });
      const rejoined = await joined(server, a, sessionId);
      assert.deepEqual(rejoined.state, { items: [] }, 'the gem B removed stays removed');
      assert.equal(rejoined.version, 2);
      for (const socket of [player.socket, again.socket, rejoined.socket]) socket.disconnect();
    });
  }

  it('S11: after a restart, an edit from a base older than the last snapshot but still in the log is merged', async (t) => {
    const dataDir = await tempDir('gamebook-s11-');
    const env = { ...SQLITE, DATA_DIR: dataDir, SNAPSHOT_EVERY: '5', HISTORY_MAX_ENTRIES: '20' };
    let server = await startTestServer(env);
    t.after(() => server.stop());
    const a = await guest(server.url, 'A');
    const sessionId = await createTable(server, a);
    const host = await joined(server, a, sessionId);
    const sheet = (hp: number, luck: number) => ({ characters: [{ id: 'c', hp, luck }] });
    for (let v = 1; v <= 8; v++) await update(host.socket, { updates: sheet(10 + v, 1), baseVersion: v - 1 });
    host.socket.disconnect();
    await server.stop();
    server = await startTestServer(env);

    const b = await joined(server, await guest(server.url, 'B'), sessionId);
    // made at version 3 (hp 13), before the snapshot at 5: only the luck changed
    const ack = await update(b.socket, { updates: sheet(13, 7), baseVersion: 3 });
    assert.deepEqual(ack, { ok: true, version: 9 });
    const after = await joined(server, a, sessionId);
    assert.deepEqual(after.state, sheet(18, 7), 'the later hp kept, the luck merged in');
    b.socket.disconnect();
    after.socket.disconnect();
  });

  it('S12: an update from a version ahead of the server (commits lost to a crash) is merged, not refused', async (t) => {
    const server = await startTestServer();
    t.after(() => server.stop());
    const a = await guest(server.url, 'A');
    const sessionId = await createTable(server, a);
    const host = await joined(server, a, sessionId);
    await update(host.socket, { updates: { turn: 1 }, baseVersion: 0 });
    assert.deepEqual(await update(host.socket, { updates: { notes: [{ id: 'n', text: 'kept' }] }, baseVersion: 7, updateId: 'uA-3' }), {
      ok: true,
      version: 2,
    });
    const after = await joined(server, a, sessionId);
    assert.deepEqual(after.state, { turn: 1, notes: [{ id: 'n', text: 'kept' }] });
    host.socket.disconnect();
    after.socket.disconnect();
  });

  it('S7: concurrent steps of one counter from several players all count: 18 clicks make +18, +7 and −3 make +4', async (t) => {
    const server = await startTestServer();
    t.after(() => server.stop());
    const clients = await syncTable(server, 3, { debounceMs: { default: 0, counter: 30 } });
    const counter = (value: number) => ({ counters: [{ id: 'gold', value }] });
    const step = [{ path: ['counters', 'gold', 'value'], op: 'add' as const }];
    clients[0]?.client.update(counter(0), 'counter');
    await eventually(settled(clients), 5000, 'the counter made');

    const clicks = async ({ client }: TestClient, times: number, by: number) => {
      for (let i = 0; i < times; i++) {
        const value = ((client.state.counters as Array<{ value: number }>)[0] as { value: number }).value;
        client.update(counter(value + by), 'counter', step);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    await Promise.all(clients.map((client) => clicks(client, 6, 1)));
    await eventually(settled(clients), 10_000, 'the clicks confirmed');
    for (const { client } of clients) assert.deepEqual(client.state, counter(18), '18 clicks, +18');

    await Promise.all([clicks(clients[0] as TestClient, 1, 7), clicks(clients[1] as TestClient, 1, -3)]);
    await eventually(settled(clients), 10_000, '+7 and −3 confirmed');
    for (const { client } of clients) assert.deepEqual(client.state, counter(22));
    for (const { client } of clients) client.close();
  });

  it('S14: two players typing in one note at its two ends both keep their words', async (t) => {
    const server = await startTestServer();
    t.after(() => server.stop());
    const clients = await syncTable(server, 2, { debounceMs: { default: 0, notes: 20 } });
    const [a, b] = clients as [TestClient, TestClient];
    const note = (text: string) => ({ notes: [{ id: 'n', text }] });
    const typing = [{ path: ['notes', 'n', 'text'], op: 'text' as const }];
    a.client.update(note('about the map'), 'notes');
    await eventually(settled(clients), 5000, 'the note made');
    const textOf = (client: TestClient) => ((client.client.state.notes as Array<{ text: string }>)[0] as { text: string }).text;
    const type = async (who: TestClient, words: string, atEnd: boolean) => {
      for (let i = 0; i < words.length; i++) {
        const text = textOf(who);
        const typed = atEnd ? text + words[i] : words.slice(0, i + 1) + text.slice(i);
        who.client.update(note(typed), 'notes', typing);
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
    };
    await Promise.all([type(a, ' and the gold', true), type(b, 'Ayla writes ', false)]);
    await eventually(settled(clients), 10_000, 'the typing confirmed');
    for (const who of clients) assert.equal(textOf(who), 'Ayla writes about the map and the gold');
    for (const { client } of clients) client.close();
  });
});

describe('the sync client keeps each edit with its table and its base', () => {
  it('S8: an edit made while an earlier one waits for its answer does not bring back what another player removed', async (t) => {
    const server = await startTestServer();
    t.after(() => server.stop());
    const clients = await syncTable(server, 2);
    const [a, b] = clients as [TestClient, TestClient];
    let deltasToA = true;
    a.lossy.filter = (event) => deltasToA || event !== 'game-state-delta';
    a.lossy.holdAcks = true;
    deltasToA = false;
    a.client.update({ items: [{ id: 'gem' }] });
    await eventually(() => b.client.version === 1, 5000, 'b sees the gem');
    b.client.update({ items: [] });
    await eventually(() => b.client.version === 2 && b.client.pendingEdits === 0, 5000, 'b removed the gem');
    a.client.update({ items: [...(a.client.state.items as JsonObject[]), { id: 'sword' }] });
    deltasToA = true;
    a.lossy.releaseAcks();
    await eventually(settled(clients), 5000, 'both settled');
    for (const { client } of clients) assert.deepEqual(client.state, { items: [{ id: 'sword' }] });
    for (const { client } of clients) client.close();
  });

  it('S9: edits bundled past the update limit are sent apart; none that fits alone is dropped', async (t) => {
    const server = await startTestServer({ MAX_UPDATE_BYTES: '1000' });
    t.after(() => server.stop());
    const [a] = (await syncTable(server, 1)) as [TestClient];
    const errors: string[] = [];
    a.client.on('error', (error) => errors.push(error.code));
    a.client.update({ notes: 'n'.repeat(600) });
    a.client.flush();
    a.client.update({ title: 't'.repeat(600) });
    a.client.flush();
    await eventually(settled([a]), 5000, 'both sent');
    a.client.update({ notes: 'N'.repeat(600), title: 'T'.repeat(600) });
    a.client.flush();
    await eventually(settled([a]), 5000, 'both sent again');
    assert.deepEqual(a.client.confirmedState, { notes: 'N'.repeat(600), title: 'T'.repeat(600) });
    a.client.update({ notes: 'x'.repeat(1200) });
    await eventually(() => a.client.pendingEdits === 0, 5000, 'the edit too large alone refused');
    assert.deepEqual(errors, ['too-large'], 'only the edit that cannot fit is refused');
    a.client.close();
  });

  it('S13: edits still waiting when the player moves to another table stay with their table', async (t) => {
    const server = await startTestServer();
    t.after(() => server.stop());
    const a = await syncClient(server.url, 'A', { debounceMs: { default: 60_000 } });
    const first = (await a.socket.emitWithAck('create-session')).sessionId as string;
    const second = (await a.socket.emitWithAck('create-session')).sessionId as string;
    await a.client.join(first);
    await eventually(() => a.client.version === 0, 5000, 'at the first table');
    a.client.update({ secret: 'only for table 1' });
    await a.client.join(second);
    await eventually(() => a.client.version === 0 && a.client.sessionId === second, 5000, 'at the second table');
    a.client.flush();
    a.client.update({ turn: 2 });
    a.client.flush();
    await eventually(() => a.client.version === 1 && a.client.pendingEdits === 0, 5000, 'the second table’s edit confirmed');
    assert.deepEqual((await server.registry.get(second)).state, { turn: 2 });
    await a.client.join(first);
    a.client.flush();
    await eventually(() => a.client.version === 1 && a.client.pendingEdits === 0, 5000, 'back at the first table, its edit sent');
    assert.deepEqual((await server.registry.get(first)).state, { secret: 'only for table 1' });
    a.client.close();
  });
});

describe('a full state tells a client which of its updates it holds', () => {
  it('S15: a client that joins with its clientKey learns the number of its last applied update', async (t) => {
    const server = await startTestServer();
    t.after(() => server.stop());
    const a = await guest(server.url, 'A');
    const sessionId = await createTable(server, a);
    const socket = await openSocket(server.url, a.token);
    const join = async () => {
      const full = nextEvent(socket, 'full-game-state');
      assert.ok((await request(socket, 'join-session', { sessionId, clientKey: 'kA' })).ok);
      return full;
    };
    assert.equal((await join()).appliedSeq, undefined, 'nothing applied yet');
    await update(socket, { updates: { turn: 1 }, baseVersion: 0, updateId: 'kA-3' });
    assert.equal((await join()).appliedSeq, 3);
    socket.disconnect();
  });
});

describe('atomic values', () => {
  it('S16: two players setting one field at once: the later edit wins, and the other sees it change', async (t) => {
    const server = await startTestServer();
    t.after(() => server.stop());
    const clients = await syncTable(server, 2);
    const [a, b] = clients as [TestClient, TestClient];
    const flag = (colour: string, done: boolean) => ({ flags: [{ id: 'f', colour, done }] });
    a.client.update(flag('red', false));
    await eventually(settled(clients), 5000, 'the flag made');
    // b does not see a's edit before making its own: both edit version 1
    b.lossy.filter = (event) => event !== 'game-state-delta';
    a.client.update(flag('blue', true));
    const session = await server.registry.get(a.client.sessionId as string);
    await eventually(() => session.currentVersion === 2, 5000, 'a’s edit applied');
    b.client.update(flag('gold', false));
    await eventually(() => session.currentVersion === 3, 5000, 'b’s edit applied');
    b.lossy.filter = () => true;
    a.client.update({ turn: 1 });
    await eventually(settled(clients), 5000, 'both settled');
    assert.equal(b.client.version, 4);
    for (const { client } of clients) assert.deepEqual(client.state, { ...flag('gold', true), turn: 1 }, 'the colour both set: the later; the box only a ticked: kept');
    for (const { client } of clients) client.close();
  });
});

describe('edits outlive the page', () => {
  it('S17: edits kept when the page goes away are sent by the next page once, even one already applied', async (t) => {
    const server = await startTestServer();
    t.after(() => server.stop());
    const a = await guest(server.url, 'A');
    const sessionId = await createTable(server, a);
    const page = async (debounce: number) => {
      const socket = await openSocket(server.url, a.token, { reconnection: true });
      const lossy = new LossySocket(socket);
      const client = new SyncClient({ socket: lossy, debounceMs: { default: debounce, counter: debounce } });
      await client.join(sessionId);
      await eventually(() => client.status === 'connected', 5000, 'a page joined');
      return { client, lossy };
    };
    const step = [{ path: ['counters', 'gold', 'value'], op: 'add' as const }];
    const first = await page(0);
    first.client.update({ counters: [{ id: 'gold', value: 0 }] });
    await eventually(() => first.client.version === 1 && first.client.pendingEdits === 0, 5000, 'the counter made');
    // applied, but its answer is lost with the page
    first.lossy.holdAcks = true;
    first.lossy.filter = (event) => event !== 'game-state-delta';
    first.client.update({ counters: [{ id: 'gold', value: 1 }] }, 'counter', step);
    const session = await server.registry.get(sessionId);
    await eventually(() => session.currentVersion === 2, 5000, 'the first step applied');
    // and one that never left the page
    first.client.update({ counters: [{ id: 'gold', value: 2 }] }, 'notes', step);
    const kept = first.client.keptEdits(sessionId);
    assert.equal(kept.length, 2);
    first.client.close();

    const second = await page(60_000);
    second.client.restoreEdits(sessionId, JSON.parse(JSON.stringify(kept)));
    second.client.flush();
    await eventually(() => second.client.pendingEdits === 0 && second.client.version === session.currentVersion, 5000, 'the kept edits answered');
    assert.deepEqual(session.state, { counters: [{ id: 'gold', value: 2 }] }, 'each step counted once');
    assert.deepEqual(second.client.state, session.state);
    second.client.close();
  });
});
