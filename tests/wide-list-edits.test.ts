import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { canonicalJson } from '../shared/canonical-json';
import { ConfirmedState } from '../shared/confirmed-state';
import { crc32Utf8 } from '../shared/crc32';
import { differ } from '../shared/diff';
import type { JsonObject } from '../shared/json';
import { PATCHED_FROM, plainState } from '../shared/patched-array';
import { updateBody } from '../shared/path-diff';
import type { GameStateDelta } from '../shared/protocol';
import { request, startTestServer, type TestServer } from './support/harness';
import { applyEdit, listEdit } from './support/json-arbitraries';
import { closeAll, tableOf, type Player } from './support/table';

const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
/** Each run sends its edits over a socket and checks the whole list after each: fewer runs than the in-process properties. */
const TABLE_RUNS = Math.max(3, Math.round(RUNS / 6));

/** Wide enough that the server edits it in place of its items (shared/patched-array.ts). */
const WIDE = PATCHED_FROM + 76;
const notes = (count: number) => Array.from({ length: count }, (_, i) => ({ id: `n${i}`, title: `Note ${i} — é 漢 🐉`, value: i, tags: [], extra: null }));

describe(`edits inside a wide list (${WIDE} items) over real sockets`, () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ UPDATES_PER_SECOND: '10000', UPDATES_BURST: '10000', GUESTS_PER_ADDRESS_PER_MINUTE: '1000', USER_UPDATES_PER_SECOND: '10000', USER_UPDATES_BURST: '10000' });
  });
  after(() => server.stop());

  /** A table of two whose state is `state` at version 1, and a copy of it kept as a client keeps it. */
  async function tableWith(state: JsonObject): Promise<{ sessionId: string; players: [Player, Player]; mirror: ConfirmedState }> {
    const { sessionId, players } = await tableOf(server.url, 'host', 'guest');
    const ack = await request((players[0] as Player).socket, 'update-game-state', { updates: state, baseVersion: 0 });
    assert.equal(ack.ok, true, JSON.stringify(ack));
    const mirror = new ConfirmedState(differ);
    mirror.reset(structuredClone(state), 1, crc32Utf8(canonicalJson(state)));
    (players[1] as Player).socket.on('game-state-delta', (entry: GameStateDelta) => {
      if (entry.version > 1) assert.equal(mirror.apply(entry), 'applied', `the guest's copy at version ${entry.version}`);
    });
    return { sessionId, players: players as [Player, Player], mirror };
  }

  /**
   * The guest's copy (each delta's CRC checked as it came) is `expected`; with `readServer`, what
   * the server holds too. Reading the server's state makes a patched list plain: W1 does it at the
   * end of a run only, so that its edits follow one another on a patched list.
   */
  async function assertHolds(sessionId: string, mirror: ConfirmedState, guest: Player, expected: JsonObject, what: string, readServer = true): Promise<void> {
    const session = await server.registry.get(sessionId);
    // the guest has read every delta up to the server's version
    assert.equal((await request(guest.socket, 'request-missing-updates', { fromVersion: session.currentVersion })).ok, true);
    assert.equal(mirror.version, session.currentVersion, `the guest's version ${what}`);
    assert.deepEqual(plainState(mirror.state), expected, `the guest's copy ${what}`);
    if (!readServer) return;
    assert.deepEqual(session.state, expected, what);
    assert.equal(session.fullState().crc, crc32Utf8(canonicalJson(expected)), `the server's CRC ${what}`);
  }

  it('P10 (W1): any edits of items (fields, deep, inserts, removals, moves, unicode) sent as changes keep the state, the CRC and every copy exact', async () => {
    const start = { notes: notes(WIDE) };
    const { sessionId, players, mirror } = await tableWith(start);
    const [host, guest] = players;
    let version = 1;
    /** Sends `next` as the sync client would (changes from what the server holds) and checks it landed. */
    const send = async (held: JsonObject, next: JsonObject, what: string, readServer = false) => {
      const { body } = updateBody(next, (key) => held[key]);
      const ack = await request(host.socket, 'update-game-state', { ...body, baseVersion: version });
      assert.equal(ack.ok, true, JSON.stringify(ack));
      version = ack.version;
      await assertHolds(sessionId, mirror, guest, next, what, readServer);
    };
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(listEdit, { minLength: 1, maxLength: 10 }), async (edits) => {
          // each run starts again from the same list, on the same table
          let expected: JsonObject = start;
          await send((await server.registry.get(sessionId)).state as JsonObject, start, 'at the start of a run', true);
          for (const [step, edit] of edits.entries()) {
            // as the wire carries it (-0 arrives as 0)
            const next = JSON.parse(JSON.stringify({ notes: applyEdit(expected.notes as JsonObject[], edit) })) as JsonObject;
            await send(expected, next, `after ${edit.kind}`, step === edits.length - 1);
            expected = next;
          }
        }),
        { seed: SEED, numRuns: TABLE_RUNS },
      );
    } finally {
      closeAll(players);
    }
  });

  it('P10 (W2): more items edited one by one than a patched list keeps, then a whole-key update: nothing is lost and the CRC holds', async () => {
    const { sessionId, players, mirror } = await tableWith({ notes: notes(WIDE) });
    const [host, guest] = players;
    let expected = notes(WIDE);
    for (let i = 0; i < 150; i++) {
      const id = `n${(i * 7) % WIDE}`;
      const title = `edit ${i} ✓ 𝄞`;
      const ack = await request(host.socket, 'update-game-state', { changes: [{ op: 'set', path: ['notes', id, 'title'], value: title }], baseVersion: i + 1 });
      assert.equal(ack.ok, true, JSON.stringify(ack));
      expected = expected.map((note) => (note.id === id ? { ...note, title } : note));
    }
    // two changes in one update, the list still patched (nothing read it whole): the delta is found by comparing replaced items
    const changes = [
      { op: 'set', path: ['notes', 'n3', 'title'], value: 'two at once' },
      { op: 'set', path: ['notes', 'n4', 'value'], value: 4.5 },
    ];
    assert.equal((await request(host.socket, 'update-game-state', { changes, baseVersion: 151 })).ok, true);
    expected = expected.map((note) => (note.id === 'n3' ? { ...note, title: 'two at once' } : note.id === 'n4' ? { ...note, value: 4.5 } : note));
    await assertHolds(sessionId, mirror, guest, { notes: expected }, 'after 150 single edits and two changes in one update');
    const whole = expected.map((note, i) => (i % 100 === 0 ? { ...note, value: -i - 1 } : note));
    const ack = await request(host.socket, 'update-game-state', { updates: { notes: whole }, baseVersion: 152 });
    assert.equal(ack.ok, true, JSON.stringify(ack));
    await assertHolds(sessionId, mirror, guest, { notes: whole }, 'after a whole-key update');
    closeAll(players);
  });

  it('P10 (W3): changes from an older version merge inside the wide list: both fields kept, a text typed by both keeps both, an edit into a removed item is dropped', async () => {
    const { sessionId, players, mirror } = await tableWith({ notes: notes(WIDE) });
    const [host, guest] = players;
    const send = (who: Player, baseVersion: number, changes: unknown[], intents?: unknown[]) =>
      request(who.socket, 'update-game-state', { changes, baseVersion, ...(intents ? { intents } : {}) });
    assert.equal((await send(host, 1, [{ op: 'set', path: ['notes', 'n5', 'title'], value: 'host 🐉' }])).ok, true);
    assert.equal((await send(guest, 1, [{ op: 'set', path: ['notes', 'n5', 'value'], value: 55 }])).ok, true);
    assert.equal((await send(host, 3, [{ op: 'set', path: ['notes', 'n9', 'title'], value: 'Ab' }])).ok, true);
    const typed = [{ path: ['notes', 'n9', 'title'], op: 'text' }];
    assert.equal((await send(host, 4, [{ op: 'set', path: ['notes', 'n9', 'title'], value: 'Abc' }], typed)).ok, true);
    assert.equal((await send(guest, 4, [{ op: 'set', path: ['notes', 'n9', 'title'], value: 'XAb' }], typed)).ok, true);
    assert.equal((await send(host, 6, [{ op: 'remove', path: ['notes', 'n7'] }])).ok, true);
    assert.equal((await send(guest, 6, [{ op: 'set', path: ['notes', 'n7', 'title'], value: 'too late' }])).ok, true);
    const expected = notes(WIDE)
      .filter((note) => note.id !== 'n7')
      .map((note) => (note.id === 'n5' ? { ...note, title: 'host 🐉', value: 55 } : note.id === 'n9' ? { ...note, title: 'XAbc' } : note));
    await assertHolds(sessionId, mirror, guest, { notes: expected }, 'after the merges');
    closeAll(players);
  });
});
