import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { canonicalJson } from '../shared/canonical-json';
import { crc32Utf8 } from '../shared/crc32';
import { differ } from '../shared/diff';
import type { JsonObject } from '../shared/json';
import type { GameStateDelta } from '../shared/protocol';
import { request, startTestServer, type TestServer } from './support/harness';
import { closeAll, tableOf, type Player } from './support/table';

const notes = (count: number) => Array.from({ length: count }, (_, i) => ({ id: `n${i}`, title: `Note ${i}`, text: `text ${i}` }));

describe('path-level updates (changes) over real sockets', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  /** A table of two whose state is `state` at version 1. */
  async function tableWith(state: JsonObject): Promise<{ sessionId: string; players: Player[] }> {
    const table = await tableOf(server.url, 'host', 'guest');
    const ack = await request((table.players[0] as Player).socket, 'update-game-state', { updates: state, baseVersion: 0 });
    assert.equal(ack.ok, true, JSON.stringify(ack));
    return table;
  }

  async function stateOf(sessionId: string): Promise<JsonObject> {
    return (await server.registry.get(sessionId)).state as JsonObject;
  }

  it('P1: a set of one field of one item changes only that, and its delta carries only that field', async () => {
    const { sessionId, players } = await tableWith({ notes: notes(200), counters: [{ id: 'gold', value: 1 }] });
    const [host, guest] = players as [Player, Player];
    const seen = deltaAt(guest, 2);
    const ack = await request(host.socket, 'update-game-state', {
      changes: [{ op: 'set', path: ['notes', 'n150', 'title'], value: 'Turn to 400 — “über” 🐉' }],
      baseVersion: 1,
    });
    assert.deepEqual(ack, { ok: true, version: 2 });
    const delta = await seen;
    const expected = { notes: notes(200).map((n) => (n.id === 'n150' ? { ...n, title: 'Turn to 400 — “über” 🐉' } : n)), counters: [{ id: 'gold', value: 1 }] };
    assert.deepEqual(await stateOf(sessionId), expected);
    assert.deepEqual(delta.delta, { notes: { _t: 'a', 150: { title: ['Note 150', 'Turn to 400 — “über” 🐉'] } } });
    assert.equal(delta.crc, crc32Utf8(canonicalJson(expected)));
    closeAll(players);
  });

  it('P2: insert (after an id, first, last), remove of an item and of a key, set of a new key; each delta patches a copy to the server state and CRC', async () => {
    const { sessionId, players } = await tableWith({ notes: notes(40), sheet: { hp: 3, name: 'Ayla' } });
    const [host, guest] = players as [Player, Player];
    const mirror = { state: structuredClone(await stateOf(sessionId)) as unknown };
    guest.socket.on('game-state-delta', (entry: GameStateDelta) => {
      if (entry.version <= 1) return;
      mirror.state = differ.patch(mirror.state as JsonObject, structuredClone(entry.delta));
      assert.equal(entry.crc, crc32Utf8(canonicalJson(mirror.state)), `crc of version ${entry.version}`);
    });
    const changes = [
      { op: 'insert', path: ['notes'], value: { id: 'after3', text: 'x' }, after: 'n3' },
      { op: 'insert', path: ['notes'], value: { id: 'first', text: 'y' }, after: null },
      { op: 'insert', path: ['notes'], value: { id: 'last', text: 'z' } },
      { op: 'remove', path: ['notes', 'n10'] },
      { op: 'remove', path: ['sheet', 'name'] },
      { op: 'set', path: ['sheet', 'luck'], value: 9 },
      { op: 'set', path: ['map'], value: { tokens: [] } },
    ];
    let version = 1;
    for (const change of changes) {
      const ack = await request(host.socket, 'update-game-state', { changes: [change], baseVersion: version });
      assert.deepEqual(ack, { ok: true, version: ++version }, JSON.stringify(change));
    }
    const ids = (await stateOf(sessionId)).notes as Array<{ id: string }>;
    assert.deepEqual(ids.slice(0, 6).map((n) => n.id), ['first', 'n0', 'n1', 'n2', 'n3', 'after3']);
    assert.equal(ids.at(-1)?.id, 'last');
    assert.equal(ids.some((n) => n.id === 'n10'), false);
    assert.deepEqual((await stateOf(sessionId)).sheet, { hp: 3, luck: 9 });
    await nextEventOrNow(guest, version);
    assert.deepEqual(mirror.state, await stateOf(sessionId));
    closeAll(players);
  });

  it('P3: a path into a missing or mistyped place, an item without id, or a forbidden key is refused and changes nothing', async () => {
    const { sessionId, players } = await tableWith({ notes: notes(3), sheet: { hp: 3 }, text: 'plain' });
    const [host] = players as [Player];
    const refusals: Array<[unknown, string]> = [
      [{ op: 'set', path: ['notes', 'missing', 'title'], value: 1 }, 'invalid-payload'],
      [{ op: 'set', path: ['text', 'inside'], value: 1 }, 'invalid-payload'],
      [{ op: 'set', path: ['sheet', 'deep', 'er'], value: 1 }, 'invalid-payload'],
      [{ op: 'set', path: ['notes', 'n1'], value: { id: 'other' } }, 'invalid-payload'],
      [{ op: 'insert', path: ['notes'], value: { text: 'no id' } }, 'invalid-payload'],
      [{ op: 'insert', path: ['sheet'], value: { id: 'x' } }, 'invalid-payload'],
      [{ op: 'set', path: ['sheet', '__proto__'], value: { polluted: true } }, 'invalid-payload'],
      [{ op: 'set', path: ['sheet', '_t'], value: 'a' }, 'invalid-payload'],
      [{ op: 'move', path: ['notes'] }, 'invalid-payload'],
      [{ op: 'set', path: ['diceLog'], value: [] }, 'forbidden'],
    ];
    for (const [change, code] of refusals) {
      const ack = await request(host.socket, 'update-game-state', { changes: [change], baseVersion: 1 });
      assert.equal(ack.ok, false, JSON.stringify(change));
      assert.equal(ack.error.code, code, JSON.stringify(change));
    }
    const both = await request(host.socket, 'update-game-state', { updates: { sheet: {} }, changes: [{ op: 'remove', path: ['sheet', 'hp'] }] });
    assert.equal(both.error.code, 'invalid-payload');
    // the work one update may ask for is bounded: 256 changes, 64 steps a path
    const many = Array.from({ length: 257 }, () => ({ op: 'set', path: ['sheet', 'hp'], value: 4 }));
    assert.equal((await request(host.socket, 'update-game-state', { changes: many })).error.code, 'invalid-payload');
    const deep = { op: 'set', path: ['sheet', ...Array.from({ length: 64 }, () => 'x')], value: 4 };
    assert.equal((await request(host.socket, 'update-game-state', { changes: [deep] })).error.code, 'invalid-payload');
    const session = await server.registry.get(sessionId);
    assert.equal(session.currentVersion, 1);
    assert.deepEqual(session.state, { notes: notes(3), sheet: { hp: 3 }, text: 'plain' });
    closeAll(players);
  });

  it('P4: changes from an older baseVersion merge like whole keys: fields of one item both kept, steps add, an edit into a removed item is dropped', async () => {
    const { sessionId, players } = await tableWith({ notes: notes(3), counters: [{ id: 'gold', value: 10 }] });
    const [host, guest] = players as [Player, Player];
    const send = (who: Player, changes: unknown[], intents?: unknown[]) =>
      request(who.socket, 'update-game-state', { changes, baseVersion: 1, ...(intents ? { intents } : {}) });
    const step = [{ path: ['counters', 'gold', 'value'], op: 'add' }];
    assert.equal((await send(host, [{ op: 'set', path: ['notes', 'n1', 'title'], value: 'host title' }])).ok, true);
    assert.equal((await send(guest, [{ op: 'set', path: ['notes', 'n1', 'text'], value: 'guest text' }])).ok, true);
    assert.equal((await send(host, [{ op: 'set', path: ['counters', 'gold', 'value'], value: 11 }], step)).ok, true);
    assert.equal((await send(guest, [{ op: 'set', path: ['counters', 'gold', 'value'], value: 11 }], step)).ok, true);
    assert.equal((await send(host, [{ op: 'remove', path: ['notes', 'n2'] }])).ok, true);
    const late = await send(guest, [{ op: 'set', path: ['notes', 'n2', 'title'], value: 'too late' }]);
    assert.equal(late.ok, true);
    const state = await stateOf(sessionId);
    assert.deepEqual(state.notes, [notes(3)[0], { id: 'n1', title: 'host title', text: 'guest text' }]);
    assert.deepEqual(state.counters, [{ id: 'gold', value: 12 }]);
    closeAll(players);
  });
});

/** The delta of `version` as `someone` receives it. */
function deltaAt(someone: Player, version: number): Promise<GameStateDelta> {
  return new Promise((resolve) => {
    const listener = (entry: GameStateDelta) => {
      if (entry.version !== version) return;
      someone.socket.off('game-state-delta', listener);
      resolve(entry);
    };
    someone.socket.on('game-state-delta', listener);
  });
}

/** Lets the guest's socket deliver what the server sent up to `version` (acks come before deltas are read). */
async function nextEventOrNow(someone: Player, version: number): Promise<void> {
  const reached = await request(someone.socket, 'request-missing-updates', { fromVersion: version });
  assert.equal(reached.ok, true);
}
