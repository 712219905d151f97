import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson } from '../shared/canonical-json';
import { crc32Utf8 } from '../shared/crc32';
import type { JsonObject } from '../shared/json';
import { syncClient } from './support/clients';
import { eventually, request, startTestServer } from './support/harness';
import { closeAll, join, player, tableOf, type Player } from './support/table';
import { tempDir } from './support/temp-dir';
import { plainState } from '../shared/patched-array';

const MiB = 1024 * 1024;
const bigNote = (i: number) => ({ id: `n${i}`, title: `Note ${i}`, text: `${i} `.padEnd(60_000, 'ink ') });

describe('a key larger than one update', () => {
  it('P5: a notes key past MAX_UPDATE_BYTES (1 MiB) grows item by item, takes edits, and loads after a restart (SQLite)', async () => {
    const env = { STORAGE: 'sqlite', DATA_DIR: await tempDir('gamebook-large-key-') };
    let server = await startTestServer(env);
    const { sessionId, players } = await tableOf(server.url, 'host');
    const host = players[0] as Player;
    let version = 0;
    const send = async (body: JsonObject) => {
      const ack = await request(host.socket, 'update-game-state', { ...body, baseVersion: version });
      assert.equal(ack.ok, true, JSON.stringify(ack).slice(0, 200));
      version = ack.version;
    };
    await send({ updates: { notes: [] } });
    for (let i = 0; i < 20; i++) await send({ changes: [{ op: 'insert', path: ['notes'], value: bigNote(i) }] });
    const notes = (await server.registry.get(sessionId)).state.notes;
    assert.ok(Buffer.byteLength(canonicalJson(notes)) > MiB, 'the key is over 1 MiB');
    // the contract's whole-key form of it is over the update limit, so the change form is the only way
    const whole = await request(host.socket, 'update-game-state', { updates: { notes }, baseVersion: version });
    assert.equal(whole.error?.code, 'too-large');
    await send({ changes: [{ op: 'set', path: ['notes', 'n7', 'title'], value: 'Edited' }] });
    closeAll(players);
    await server.stop();

    server = await startTestServer(env);
    try {
      const again = await player(server.url, 'host again');
      const full = await join(again, sessionId);
      assert.equal(full.version, version);
      assert.equal(full.crc, crc32Utf8(canonicalJson(full.state)));
      const loaded = full.state.notes as Array<{ id: string; title: string }>;
      assert.equal(loaded.length, 20);
      assert.equal(loaded[7]?.title, 'Edited');
      const ack = await request(again.socket, 'update-game-state', { changes: [{ op: 'set', path: ['notes', 'n8', 'title'], value: 'After restart' }], baseVersion: version });
      assert.deepEqual(ack, { ok: true, version: version + 1 });
      closeAll([again]);
    } finally {
      await server.stop();
    }
  });

  it('P8: the sync client sends an edit of one note of a long list as one small change, and the others converge on it', async () => {
    const server = await startTestServer();
    try {
      const [a, b] = [await syncClient(server.url, 'a'), await syncClient(server.url, 'b')];
      const created = await a.socket.emitWithAck('create-session');
      await a.client.join(created.sessionId);
      await b.client.join(created.sessionId);
      const sent: Array<Record<string, unknown>> = [];
      const emit = a.socket.emit.bind(a.socket);
      a.socket.emit = ((event: string, ...args: unknown[]) => {
        if (event === 'update-game-state') sent.push(args[0] as Record<string, unknown>);
        return emit(event, ...args);
      }) as typeof a.socket.emit;
      const settled = (v: number) => () => [a, b].every(({ client }) => client.version === v && client.pendingEdits === 0);
      await eventually(settled(0), 5000, 'joined');
      const list = Array.from({ length: 2000 }, (_, i) => ({ id: `n${i}`, title: `Note ${i}`, text: 'a line of a note' }));
      a.client.update({ notes: list }, 'notes');
      await eventually(settled(1), 5000, 'the list');
      const edited = (plainState(a.client.state).notes as JsonObject[]).map((n) => (n.id === 'n1500' ? { ...n, text: 'a line of a note, typed into' } : n));
      a.client.update({ notes: edited }, 'notes');
      await eventually(settled(2), 5000, 'the edit');
      const last = sent.at(-1) as Record<string, unknown>;
      assert.equal(last.updates, undefined);
      assert.deepEqual(last.changes, [{ op: 'set', path: ['notes', 'n1500', 'text'], value: 'a line of a note, typed into' }]);
      assert.ok(JSON.stringify(last).length < 300, `${JSON.stringify(last).length} characters on the wire`);
      // a list edited in place is held as a PatchedArray: compared, and measured, as the JSON it stands for
      assert.deepEqual(plainState(b.client.state), plainState(a.client.state));
      assert.equal(b.client.confirmedCrc, crc32Utf8(canonicalJson(plainState(a.client.state))));
      a.client.close();
      b.client.close();
    } finally {
      await server.stop();
    }
  });
});
