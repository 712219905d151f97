import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JsonValue } from '../shared/json';
import { eventually, startTestServer, type TestServer } from './support/harness';
import { syncClient, type TestClient } from './support/clients';
import { deltaDrops, settledState } from './support/converge';
import { seededRandom } from './support/random';

const SEED = Number(process.env.FUZZ_SEED ?? 20261125);
const OPERATIONS = Number(process.env.FUZZ_OPERATIONS ?? 2500);
const KEYS = ['characters', 'notes', 'counters'] as const;

interface Item {
  id: string;
  owner: number;
  value: number;
}

/**
 * F1: several clients make random concurrent edits while packets are dropped and sockets cut;
 * at the end every client holds the server's state with the same CRC, and every item holds the
 * last value its owner gave it (each client edits only its own items: distinct-item edits).
 */
describe(`randomized convergence (seed ${SEED}, ${OPERATIONS} operations)`, () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ HISTORY_MAX_ENTRIES: '40', UPDATES_PER_SECOND: '400', UPDATES_BURST: '100' });
  });
  after(() => server.stop());

  it('F1: all clients converge on the server state and no acknowledged distinct-item edit is lost', async () => {
    const random = seededRandom(SEED);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const clients: TestClient[] = [];
    for (let i = 0; i < 4; i++) {
      clients.push(await syncClient(server.url, `fuzz${i}`, { debounceMs: { default: Math.floor(random() * 15) }, retryMs: 20 }));
    }
    const sessionId = (await clients[0]?.socket.emitWithAck('create-session')).sessionId as string;
    await Promise.all(clients.map(({ client }) => client.join(sessionId)));
    await eventually(() => clients.every(({ client }) => client.version === 0), 5000, 'joined');

    const expected = new Map<string, { key: string; value: number | null }>();
    const dropsLeft = deltaDrops(clients);

    let created = 0;
    for (let step = 0; step < OPERATIONS; step++) {
      const index = Math.floor(random() * clients.length);
      const { client, socket } = clients[index] as TestClient;
      const roll = random();
      if (roll < 0.02) {
        dropsLeft[index] = 1 + Math.floor(random() * 4);
      } else if (roll < 0.027 && socket.connected) {
        socket.io.engine.close(); // the socket reconnects by itself
      } else if (roll < 0.1) {
        client.update({ turn: index * 1000 + step }, 'default');
      } else {
        const key = pick(KEYS);
        const items = ((client.state[key] as unknown as Item[] | undefined) ?? []).map((item) => ({ ...item }));
        const mine = items.filter((item) => item.owner === index);
        const action = random();
        if (mine.length === 0 || action < 0.25) {
          const item = { id: `c${index}-${created++}`, owner: index, value: step };
          items.splice(Math.floor(random() * (items.length + 1)), 0, item);
          expected.set(item.id, { key, value: step });
        } else if (action < 0.35) {
          const victim = pick(mine);
          items.splice(items.indexOf(victim), 1);
          expected.set(victim.id, { key, value: null });
        } else {
          const target = pick(mine);
          target.value = step;
          expected.set(target.id, { key, value: step });
        }
        client.update({ [key]: items as unknown as JsonValue }, pick(['counter', 'sheet', 'notes']));
      }
      if (random() < 0.3) await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 3)));
    }

    dropsLeft.fill(0);
    const { state: serverState, version } = await settledState(clients, server, sessionId);
    for (const [id, { key, value }] of expected) {
      const found = ((serverState[key] as unknown as Item[] | undefined) ?? []).find((item) => item.id === id);
      assert.equal(found?.value ?? null, value, `item ${id} in ${key}`);
    }
    assert.ok(version > OPERATIONS / 20, `the run made ${version} versions`);
    for (const { client } of clients) client.close();
  });
});
