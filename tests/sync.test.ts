import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { canonicalJson } from '../shared/canonical-json';
import { crc32Utf8 } from '../shared/crc32';
import { eventually, startTestServer, type TestServer } from './support/harness';
import { syncClient, type TestClient } from './support/clients';

function settled(clients: TestClient[], version: number) {
  return () => clients.every(({ client }) => client.version === version && client.pendingEdits === 0);
}

describe('sync over real sockets', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ HISTORY_MAX_ENTRIES: '20' });
  });
  after(() => server.stop());

  async function table(count: number): Promise<TestClient[]> {
    const host = await syncClient(server.url, 'host');
    const created = await host.socket.emitWithAck('create-session');
    const others = await Promise.all(Array.from({ length: count - 1 }, (_, i) => syncClient(server.url, `p${i}`)));
    const clients = [host, ...others];
    await Promise.all(clients.map(({ client }) => client.join(created.sessionId)));
    await eventually(settled(clients, 0), 5000, 'everyone at version 0');
    return clients;
  }

  it('S1: joiners get the full state, updates reach everyone as deltas, CRCs agree', async () => {
    const clients = await table(3);
    const [a, b, c] = clients as [TestClient, TestClient, TestClient];
    a.client.update({ counters: [{ id: 'gold', value: 3 }] }, 'counter');
    await eventually(settled(clients, 1), 5000, 'version 1');
    b.client.update({ notes: [{ id: 'n1', text: 'Turn to 400 — “über” 🐉' }] }, 'notes');
    await eventually(settled(clients, 2), 5000, 'version 2');
    for (const { client } of clients) {
      assert.deepEqual(client.state, { counters: [{ id: 'gold', value: 3 }], notes: [{ id: 'n1', text: 'Turn to 400 — “über” 🐉' }] });
      assert.equal(client.confirmedCrc, crc32Utf8(canonicalJson(client.state)));
    }
    const session = await server.registry.get(a.client.sessionId as string);
    assert.deepEqual(session.state, c.client.state);
    for (const { client } of clients) client.close();
  });

  it('S2: concurrent edits of different items from the same base are all kept', async () => {
    const clients = await table(2);
    const [a, b] = clients as [TestClient, TestClient];
    a.client.update({ characters: [{ id: 'c1', name: 'Ayla', stamina: 20 }, { id: 'c2', name: 'Bron', stamina: 18 }] });
    await eventually(settled(clients, 1), 5000, 'characters');
    // both edit from version 1 before either sees the other's change
    a.client.update({ characters: [{ id: 'c1', name: 'Ayla', stamina: 12 }, { id: 'c2', name: 'Bron', stamina: 18 }] });
    b.client.update({ characters: [{ id: 'c1', name: 'Ayla', stamina: 20 }, { id: 'c2', name: 'Bron', stamina: 18, luck: 9 }] });
    await eventually(settled(clients, 3), 5000, 'both edits confirmed');
    const expected = { characters: [{ id: 'c1', name: 'Ayla', stamina: 12 }, { id: 'c2', name: 'Bron', stamina: 18, luck: 9 }] };
    assert.deepEqual(a.client.state, expected);
    assert.deepEqual(b.client.state, expected);
    for (const { client } of clients) client.close();
  });

  it('S3: dropped deltas are caught up through missing-updates', async () => {
    const clients = await table(2);
    const [a, b] = clients as [TestClient, TestClient];
    let dropped = 0;
    const asked: unknown[] = [];
    b.lossy.filter = (event) => {
      if (event === 'game-state-delta' && dropped < 2) {
        dropped++;
        return false;
      }
      if (event === 'missing-updates') asked.push(event);
      return true;
    };
    for (let i = 1; i <= 4; i++) {
      a.client.update({ counters: [{ id: 'hp', value: i }] });
      await eventually(() => a.client.version === i, 5000, `a at ${i}`);
    }
    await eventually(settled(clients, 4), 5000, 'b caught up');
    assert.equal(dropped, 2);
    assert.ok(asked.length >= 1, 'b asked for the missing updates');
    assert.deepEqual(b.client.state, a.client.state);
    for (const { client } of clients) client.close();
  });

  it('S4: a client further behind than the history gets the full state', async () => {
    const clients = await table(2);
    const [a, b] = clients as [TestClient, TestClient];
    let fullStates = 0;
    b.lossy.filter = (event) => {
      if (event === 'full-game-state') fullStates++;
      return event !== 'game-state-delta' || (a.client.version ?? 0) > 30;
    };
    for (let i = 1; i <= 31; i++) {
      a.client.update({ counters: [{ id: 'hp', value: i }] });
      await eventually(() => a.client.version === i, 5000, `a at ${i}`);
    }
    a.client.update({ counters: [{ id: 'hp', value: 32 }] });
    await eventually(settled(clients, 32), 5000, 'b resynced');
    assert.equal(fullStates, 1, 'one full state, since 20 entries of history do not reach back');
    assert.deepEqual(b.client.state, { counters: [{ id: 'hp', value: 32 }] });
    for (const { client } of clients) client.close();
  });

  it('S5: a corrupted local copy is caught by its CRC and resynced', async () => {
    const clients = await table(2);
    const [a, b] = clients as [TestClient, TestClient];
    let fullStates = 0;
    b.lossy.filter = (event, payload) => {
      if (event === 'full-game-state') fullStates++;
      // alter the delta on the way in but keep its CRC: the patched state no longer matches it
      if (event === 'game-state-delta' && payload.version === 1) payload.delta = { counters: [[{ id: 'hp', value: 666 }]] };
      return true;
    };
    a.client.update({ counters: [{ id: 'hp', value: 7 }] });
    await eventually(() => fullStates === 1 && b.client.status === 'connected', 5000, 'b resynced');
    assert.deepEqual(b.client.state, { counters: [{ id: 'hp', value: 7 }] });
    assert.equal(b.client.confirmedCrc, a.client.confirmedCrc);
    for (const { client } of clients) client.close();
  });

  it('S6: after a disconnect the client resumes from its version and sends its offline edits', async () => {
    const clients = await table(2);
    const [a, b] = clients as [TestClient, TestClient];
    let fullStates = 0;
    b.lossy.filter = (event) => {
      if (event === 'full-game-state') fullStates++;
      return true;
    };
    a.client.update({ counters: [{ id: 'hp', value: 1 }] });
    await eventually(settled(clients, 1), 5000, 'version 1');
    b.socket.io.engine.close();
    await eventually(() => b.client.status === 'offline', 5000, 'b offline');
    a.client.update({ counters: [{ id: 'hp', value: 2 }] });
    b.client.update({ notes: [{ id: 'n', text: 'written offline' }] });
    assert.equal(b.client.state.notes !== undefined, true, 'the offline edit shows at once');
    await eventually(settled(clients, 3), 8000, 'b back and its edit confirmed');
    assert.equal(fullStates, 0, 'caught up through the history, no full reload');
    assert.deepEqual(a.client.state, { counters: [{ id: 'hp', value: 2 }], notes: [{ id: 'n', text: 'written offline' }] });
    assert.deepEqual(b.client.state, a.client.state);
    for (const { client } of clients) client.close();
  });
});
