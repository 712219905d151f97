import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { encodeBinary } from '../shared/binary-codec';
import type { UpdateLayers } from '../shared/layers-protocol';
import { TableClient } from '../shared/table-client';
import { eventually, openSocket, request, startTestServer, type TestServer } from './support/harness';
import { freePort } from './support/server-process';
import { closeAll, join, tableOf, type Player } from './support/table';
import { tempDir } from './support/temp-dir';

const BOOK = 'book';
const token = (id: string) => ({ id, x: 10, y: 20 });

/** Rule L11: an update-layers sent again under its update id (its answer was lost) is applied once. */
describe('update-layers resent under its update id', () => {
  const running = new Set<TestServer>();
  after(async () => {
    for (const server of running) await server.stop();
  });
  const serve = async (env: Record<string, string> = {}) => {
    const server = await startTestServer(env);
    running.add(server);
    return server;
  };

  /** Ayla adds t1 under `updateId`, then Bo removes it: the page is at revision 2 without t1. */
  const addedThenRemoved = async (a: Player, b: Player, updateId: string): Promise<UpdateLayers> => {
    const add: UpdateLayers = { pdfId: BOOK, pageNum: 1, layers: { tokens: [token('t1')] }, baseRevision: 0, updateId };
    assert.deepEqual(await request(a.socket, 'update-layers', encodeBinary(add)), { ok: true, revision: 1 });
    await eventually(() => b.table.revisionOf(BOOK, 1) === 1, 5000, 'Bo holds revision 1');
    assert.deepEqual(await b.table.updateLayers(BOOK, 1, { tokens: [] }), { ok: true, revision: 2 });
    await eventually(() => a.table.revisionOf(BOOK, 1) === 2, 5000, 'Ayla holds revision 2');
    return add;
  };

  it('L11: a resend of an applied edit is acknowledged with the revision it made and does not bring back what another player removed since', async () => {
    const server = await serve();
    const { players } = await tableOf(server.url, 'Ayla', 'Bo');
    const [a, b] = players as [Player, Player];
    const add = await addedThenRemoved(a, b, 'ka-1');
    assert.deepEqual(await request(a.socket, 'update-layers', encodeBinary(add)), { ok: true, revision: 1 });
    assert.equal(a.table.revisionOf(BOOK, 1), 2, 'no new revision');
    assert.deepEqual(a.table.layersOf(BOOK, 1), { tokens: [] }, 't1 stays removed');
    const next = { ...add, layers: { tokens: [token('t2')] }, baseRevision: 2, updateId: 'ka-2' };
    assert.deepEqual(await request(a.socket, 'update-layers', encodeBinary(next)), { ok: true, revision: 3 }, 'the next id is a new edit');
    closeAll(players);
  });

  it('L11: layer ids are counted apart from the same client key\'s game-state update ids', async () => {
    const server = await serve();
    const { players } = await tableOf(server.url, 'Ayla');
    const [a] = players as [Player];
    assert.equal((await request(a.socket, 'update-game-state', { updates: { hp: 3 }, updateId: 'k-5' })).ok, true);
    const edit: UpdateLayers = { pdfId: BOOK, pageNum: 1, layers: { tokens: [token('t1')] }, updateId: 'k-1' };
    assert.deepEqual(await request(a.socket, 'update-layers', encodeBinary(edit)), { ok: true, revision: 1 });
    closeAll(players);
  });

  it('L11: a resend after the server restarted is still recognized (SQLite)', async () => {
    const env = { STORAGE: 'sqlite', DATA_DIR: await tempDir(), SESSION_SECRET: 'layer-resend-test-secret-long-enough-for-config', PORT: String(await freePort()) };
    let server = await serve(env);
    const { sessionId, players } = await tableOf(server.url, 'Ayla', 'Bo');
    const [a, b] = players as [Player, Player];
    const add = await addedThenRemoved(a, b, 'kr-7');
    closeAll(players);
    running.delete(server);
    await server.stop();
    server = await serve(env);
    const socket = await openSocket(server.url, a.token);
    const rejoined: Player = { ...a, socket, table: new TableClient({ socket }) };
    await join(rejoined, sessionId);
    assert.deepEqual(await request(rejoined.socket, 'update-layers', encodeBinary(add)), { ok: true, revision: 1 });
    assert.deepEqual(rejoined.table.layersOf(BOOK, 1), { tokens: [] }, 't1 stays removed after the restart too');
    assert.equal(rejoined.table.revisionOf(BOOK, 1), 2);
    closeAll([rejoined]);
  });
});
