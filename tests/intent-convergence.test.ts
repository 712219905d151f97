import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { JsonObject } from '../shared/json';
import type { Intent } from '../shared/merge-intents';
import { eventually, startTestServer, type TestServer } from './support/harness';
import { syncClient, type TestClient } from './support/clients';
import { deltaDrops, settledState } from './support/converge';
import { seededRandom } from './support/random';
import { freePort } from './support/server-process';
import { tempDir } from './support/temp-dir';

const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const OPERATIONS = Number(process.env.FUZZ_OPERATIONS ?? 1500);
const COUNTERS = ['c0', 'c1', 'c2'];
const NOTES = ['n0', 'n1'];
const COLOURS = ['red', 'blue', 'green', 'gold'];

type Item = JsonObject & { id: string };

const listOf = (client: TestClient, key: string) => ((client.client.state[key] as Item[] | undefined) ?? []).map((item) => ({ ...item }));
const wordsOf = (text: string) => text.split(/\s+/).filter((word) => word !== '');

/** What the players did, as the test expects to find it at the end. */
class Ledger {
  readonly steps = new Map(COUNTERS.map((id) => [id, 0]));
  readonly typed = new Set<string>();
  readonly erased = new Set<string>();
  readonly added = new Set<string>();
  readonly removed = new Set<string>();
}

/**
 * F2: players step shared counters, type and erase words in shared notes, set atomic fields, and
 * add, edit and remove items others edit, all at once, while deltas and acks are lost, sockets
 * cut, the server restarted and the table evicted. At the end every client holds the server's
 * state and CRC, every step counted once, every word typed and not erased is there once and
 * whole, and no removed item came back.
 */
describe(`randomized intent convergence (seed ${SEED}, ${OPERATIONS} operations)`, () => {
  const servers: TestServer[] = [];
  const clients: TestClient[] = [];
  after(async () => {
    for (const { client } of clients) client.close();
    for (const server of servers) await server.stop().catch(() => undefined);
  });

  it('F2: concurrent steps, typing, atomic edits and removals converge with nothing lost', async () => {
    const random = seededRandom(SEED);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const env = {
      STORAGE: 'sqlite',
      PORT: String(await freePort()),
      DATA_DIR: await tempDir('gamebook-f2-'),
      HISTORY_MAX_ENTRIES: '40',
      SNAPSHOT_EVERY: '25',
      UPDATES_PER_SECOND: '1000',
      UPDATES_BURST: '200',
      HOUSEKEEPING_SECONDS: '3600',
    };
    let server = await startTestServer(env);
    servers.push(server);
    for (let i = 0; i < 3 + Math.floor(random() * 3); i++) {
      const window = Math.floor(random() * 15);
      const debounceMs = { default: window, counter: window, sheet: window, notes: window };
      clients.push(await syncClient(server.url, `fuzz${i}`, { debounceMs, retryMs: 20 }));
    }
    const [first] = clients as [TestClient];
    const sessionId = (await first.socket.emitWithAck('create-session')).sessionId as string;
    await Promise.all(clients.map(({ client }) => client.join(sessionId)));
    first.client.update({
      counters: COUNTERS.map((id) => ({ id, value: 0 })),
      notes: NOTES.map((id) => ({ id, text: 'start' })),
      flags: [{ id: 'f', colour: 'red', done: false }],
      items: [],
    });
    await eventually(() => clients.every(({ client }) => client.version === 1 && client.pendingEdits === 0), 5000, 'set up');

    const ledger = new Ledger();
    const dropsLeft = deltaDrops(clients);

    const edit = (test: TestClient, index: number, step: number) => {
      const roll = random();
      if (roll < 0.3) {
        const id = pick(COUNTERS);
        const by = pick([1, 1, 1, 2, -1, -3, 7]);
        const counters = listOf(test, 'counters').map((c) => (c.id === id ? { ...c, value: (c.value as number) + by } : c));
        ledger.steps.set(id, (ledger.steps.get(id) as number) + by);
        test.client.update({ counters }, 'counter', [{ path: ['counters', id, 'value'], op: 'add' }]);
      } else if (roll < 0.6) {
        const id = pick(NOTES);
        const notes = listOf(test, 'notes');
        const note = notes.find((n) => n.id === id) as Item;
        note.text = typeOrErase(wordsOf(note.text as string), `w${index}x${String(step).padStart(5, '0')}`);
        const intents: Intent[] = [{ path: ['notes', id, 'text'], op: 'text' }];
        test.client.update({ notes }, 'notes', intents);
      } else if (roll < 0.7) {
        const flags = listOf(test, 'flags').map((f) => ({ ...f, colour: pick(COLOURS), done: random() < 0.5 }));
        test.client.update({ flags }, 'sheet');
      } else {
        test.client.update({ items: changeItems(listOf(test, 'items'), `i${index}x${step}`) }, 'sheet');
      }
    };

    /** Types a new word at a word boundary, or erases a word someone typed; the ledger notes which. */
    const typeOrErase = (words: string[], word: string): string => {
      const typedWords = words.filter((w) => ledger.typed.has(w));
      if (typedWords.length > 0 && random() < 0.3) {
        const victim = pick(typedWords);
        ledger.erased.add(victim);
        words.splice(words.indexOf(victim), 1);
      } else {
        ledger.typed.add(word);
        words.splice(Math.floor(random() * (words.length + 1)), 0, word);
      }
      return words.join(' ');
    };

    const changeItems = (items: Item[], id: string): Item[] => {
      const action = random();
      if (items.length === 0 || action < 0.4) {
        ledger.added.add(id);
        return [...items, { id, value: 0 }];
      }
      const target = pick(items);
      if (action < 0.6) {
        ledger.removed.add(target.id);
        return items.filter((item) => item !== target);
      }
      return items.map((item) => (item === target ? { ...item, value: Math.floor(random() * 100) } : item));
    };

    let restarts = 0;
    let evictions = 0;
    for (let step = 0; step < OPERATIONS; step++) {
      const index = Math.floor(random() * clients.length);
      const test = clients[index] as TestClient;
      const roll = random();
      if (roll < 0.02) dropsLeft[index] = 1 + Math.floor(random() * 4);
      else if (roll < 0.027 && test.socket.connected) test.socket.io.engine.close();
      else if (roll < 0.035) {
        // the ack and the delta of the next update are lost with the connection
        test.lossy.dropAcks = 1;
        dropsLeft[index] = 1 + Math.floor(random() * 3);
      } else edit(test, index, step);
      if (step % Math.floor(OPERATIONS / 3) === Math.floor(OPERATIONS / 6)) {
        if ((restarts + evictions) % 2 === 0) {
          await server.stop();
          server = await startTestServer(env);
          servers.push(server);
          restarts++;
        } else if (await evict(server, clients, sessionId)) evictions++;
      }
      // a pause after most steps, so that answers flow while the players go on
      if (random() < 0.8) await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 3)));
    }

    // lost answers are found again by a reconnect: cut every socket once, then settle
    dropsLeft.fill(0);
    for (const test of clients) test.lossy.dropAcks = 0;
    for (const test of clients) if (test.socket.connected) test.socket.io.engine.close();
    await eventually(() => clients.every(({ client }) => client.status === 'connected'), 10_000, 'everyone back');
    const { state, version } = await settledState(clients, server, sessionId);
    assertNothingLost(state, ledger);
    assert.ok(restarts >= 1 && evictions >= 1, `restarted ${restarts}, evicted ${evictions}`);
    assert.ok(version > OPERATIONS / 10, `the run made ${version} versions`);
  });
});

/** Cuts every client off, lets the table leave memory, and lets them come back. */
async function evict(server: TestServer, clients: TestClient[], sessionId: string): Promise<boolean> {
  for (const { socket } of clients) socket.disconnect();
  let evicted = false;
  await eventually(() => (evicted ||= server.registry.evictIdle(0).includes(sessionId)), 5000, 'the table evicted');
  for (const { socket } of clients) socket.connect();
  return evicted;
}

function assertNothingLost(state: JsonObject, ledger: Ledger): void {
  for (const counter of state.counters as Item[]) {
    assert.equal(counter.value, ledger.steps.get(counter.id), `every step of ${counter.id} counted once`);
  }
  // words typed are all as long, so one is never found inside another; two may touch where a space between them was deleted
  for (const note of state.notes as Item[]) {
    let rest = note.text as string;
    for (const word of ledger.typed) {
      const times = rest.split(word).length - 1;
      assert.ok(times <= 1, `${word} at most once in ${note.id}`);
      if (ledger.erased.has(word)) assert.equal(times, 0, `${word} erased in ${note.id}`);
      rest = rest.split(word).join(' ');
    }
    assert.match(rest.replaceAll('start', ' '), /^\s*$/, `nothing but whole words in ${note.id}: ${JSON.stringify(note.text)}`);
  }
  const present = (state.notes as Item[]).map((note) => note.text as string).join(' ');
  for (const word of ledger.typed) if (!ledger.erased.has(word)) assert.ok(present.includes(word), `word ${word} kept`);
  const items = new Set((state.items as Item[]).map((item) => item.id));
  for (const id of ledger.added) assert.equal(items.has(id), !ledger.removed.has(id), `item ${id}`);
}
