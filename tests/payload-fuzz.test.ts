import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import type { Socket } from 'socket.io-client';
import { encodeBinary } from '../shared/binary-codec';
import { canonicalJson } from '../shared/canonical-json';
import { crc32Utf8 } from '../shared/crc32';
import { differ } from '../shared/diff';
import type { JsonValue } from '../shared/json';
import type { FullGameState, MissingUpdates } from '../shared/protocol';
import { eventually, guest, nextEvent, openSocket, startTestServer, type Guest, type TestServer } from './support/harness';
import { syncClient, type TestClient } from './support/clients';
import { freePort } from './support/server-process';
import { tempDir } from './support/temp-dir';

const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const RUNS = Number(process.env.FUZZ_RUNS ?? 100);

/** Keys that mean something to the delta format, to JavaScript objects, or look like indices. */
const TRICKY_KEYS = ['_t', '__proto__', 'constructor', 'prototype', 'toString', '0', '1', '_0', '_1', '$$index', 'id', ''];

/** Any JSON, with objects whose keys are often tricky; `__proto__` made an own key, as JSON.parse makes it. */
const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { maxDepth: 3 },
    { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 4 },
    { arbitrary: fc.array(tie('value'), { maxLength: 4 }), weight: 1 },
    { arbitrary: fc.array(fc.tuple(fc.constantFrom(...TRICKY_KEYS), tie('value')), { maxLength: 4 }).map(objectOf), weight: 1 },
  ),
})).value;

function objectOf(entries: Array<[string, unknown]>): object {
  return JSON.parse(`{${entries.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'}`).join(',')}}`);
}

/** Usually a value of the right shape, sometimes anything at all. */
function mostly<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: valid, weight: 4 }, { arbitrary: json, weight: 1 });
}

const stateKey = fc.oneof(fc.constantFrom(...TRICKY_KEYS), fc.constantFrom('notes', 'counters', 'flags'), fc.string({ maxLength: 8 }));

/** One client event with a payload of the right shape, the wrong shape, or anything. */
const command = fc.oneof(
  fc.record({
    event: fc.constant('update-game-state'),
    payload: fc.record(
      {
        updates: fc.array(fc.tuple(stateKey, json), { maxLength: 3 }).map(objectOf),
        baseVersion: mostly(fc.nat(40)),
        updateId: mostly(fc.string({ minLength: 1, maxLength: 70 })),
        intents: mostly(fc.array(fc.record({ path: fc.array(fc.oneof(stateKey, fc.nat(3)), { maxLength: 4 }), op: fc.constantFrom('add', 'text', 'x') }))),
      },
      { requiredKeys: ['updates'] },
    ),
  }),
  fc.record({ event: fc.constantFrom('update-layers', 'real-time-update'), payload: fc.oneof(json.map((value) => encodeBinary(value)), json) }),
  fc.record({ event: fc.constantFrom('navigate-page', 'Maps-page', 'request-missing-updates', 'roll-dice', 'join-session'), payload: json }),
);

describe(`payload fuzz (fast-check, seed ${SEED}, ${RUNS} runs)`, () => {
  const stops: Array<() => unknown> = [];
  after(async () => {
    for (const stop of stops.reverse()) await stop();
  });

  it('B13: any payload leaves every table loadable after a restart, and every client on the server CRC', async () => {
    const port = String(await freePort());
    // one fuzzer makes a table and a watcher (a guest, a socket) per run, and updates faster than a
    // player: far past the per-user and per-address limits (docs/security.md), which are not under test here
    const unlimited = Object.fromEntries(
      ['TABLES_PER_USER_PER_HOUR', 'TABLES_PER_ADDRESS_PER_HOUR', 'GUESTS_PER_ADDRESS_PER_MINUTE', 'SOCKETS_PER_ADDRESS', 'USER_UPDATES_PER_SECOND', 'USER_UPDATES_BURST'].map(
        (name) => [name, '1000'],
      ),
    );
    const env = {
      STORAGE: 'sqlite',
      PORT: port,
      DATA_DIR: await tempDir('gamebook-fuzz-'),
      HOUSEKEEPING_SECONDS: '3600',
      UPDATES_PER_SECOND: '1000',
      ...unlimited,
    };
    let server = await startTestServer(env);
    stops.push(() => server.stop());
    const player = await guest(server.url, 'fuzzer');
    const socket = await openSocket(server.url, player.token, { reconnection: true });
    stops.push(() => socket.disconnect());
    const tables: string[] = [];
    const watchers: TestClient[] = [];
    const accepted = new Map<string, number>();

    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 12 }), async (commands) => {
        const sessionId = (await socket.timeout(5000).emitWithAck('create-session')).sessionId as string;
        tables.push(sessionId);
        const watcher = await syncClient(server.url, `watcher${tables.length}`);
        watchers.push(watcher);
        stops.push(() => watcher.client.close());
        await watcher.client.join(sessionId);
        await socket.timeout(5000).emitWithAck('join-session', sessionId);
        for (const { event, payload } of commands) {
          const ack = await socket.timeout(5000).emitWithAck(event, payload);
          assert.equal(typeof ack?.ok, 'boolean', `${event} is answered`);
          if (ack.ok) accepted.set(event, (accepted.get(event) ?? 0) + 1);
        }
        await socket.timeout(5000).emitWithAck('join-session', sessionId);
      }),
      { seed: SEED, numRuns: RUNS },
    );

    assert.ok((accepted.get('update-game-state') ?? 0) > RUNS / 4, `updates taken: ${JSON.stringify([...accepted])}`);
    await server.stop();
    server = await startTestServer(env);
    for (const sessionId of tables) await assertLoads(server, player, sessionId);
    await eventually(() => watchers.every(({ client }) => client.status === 'connected'), 10_000, 'the watchers back');
    for (const [index, { client }] of watchers.entries()) {
      const session = await server.registry.get(tables[index] as string);
      await eventually(() => client.version === session.currentVersion, 10_000, 'a watcher caught up');
      assert.equal(client.confirmedCrc, crc32Utf8(canonicalJson(session.state)));
    }
  });
});

/**
 * Joins a table on a fresh socket: it must load and match its CRC, and its whole log, patched with
 * jsondiffpatch itself as a client written from the contract would, must lead to the same state.
 */
async function assertLoads(server: TestServer, player: Guest, sessionId: string): Promise<void> {
  const socket: Socket = await openSocket(server.url, player.token);
  try {
    const missing = nextEvent<MissingUpdates>(socket, 'missing-updates');
    const ack = await socket.timeout(5000).emitWithAck('join-session', { sessionId, fromVersion: 0 });
    assert.ok(ack.ok, `table ${sessionId} loads: ${JSON.stringify(ack)}`);
    const { deltas } = await missing;
    const full = nextEvent<FullGameState>(socket, 'full-game-state');
    await socket.timeout(5000).emitWithAck('request-missing-updates', { fromVersion: 0, full: true });
    const { state, crc } = await full;
    assert.equal(crc, crc32Utf8(canonicalJson(state)), `table ${sessionId} matches its CRC`);
    let replayed: JsonValue = {};
    for (const entry of deltas) replayed = differ.patch(replayed, structuredClone(entry.delta)) as JsonValue;
    assert.equal(crc32Utf8(canonicalJson(replayed)), crc, `table ${sessionId}: its log patched with jsondiffpatch`);
  } finally {
    socket.disconnect();
  }
}
