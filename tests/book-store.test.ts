import assert from 'node:assert/strict';
import { after, afterEach, describe, it } from 'node:test';
import { readLayers, type PageLayers, type Stroke, type Token } from '../activity/src/book/layer-items';
import { useBook } from '../activity/src/store/book-store';
import { TableConnection } from '../activity/src/sync/connection';
import { eventually, guest, startTestServer, type Guest, type TestServer } from './support/harness';
import { freePort } from './support/server-process';
import { closeAll, join, player } from './support/table';
import { tempDir } from './support/temp-dir';

const BOOK = 'book1';
const stroke = (id: string, by: string): Stroke => ({ id, by, color: '#000', width: 3, points: [[1, 1], [9, 9]] });
const token = (id: string, by: string): Token => ({ id, by, color: '#b3261e', label: 'A', x: 40, y: 60, size: 1 });
const ids = (layers: PageLayers) => [...layers.strokes, ...layers.tokens].map((item) => item.id).sort();

/** The activity's book store (what the browser runs) over a real socket.io-client, against the real server. */
describe("the activity's book store against the real server", () => {
  const running = new Set<TestServer>();
  let opened: TableConnection | undefined;
  afterEach(() => {
    useBook.getState().detach();
    opened?.close();
  });
  after(async () => {
    for (const server of running) await server.stop();
  });

  const serve = async (env: Record<string, string>): Promise<TestServer> => {
    const server = await startTestServer(env);
    running.add(server);
    return server;
  };
  const stop = async (server: TestServer) => {
    running.delete(server);
    await server.stop();
  };

  /** A host whose book store is attached to a new table, and the refusals its table client saw. */
  const hostBook = async (url: string): Promise<{ connection: TableConnection; host: Guest; sessionId: string; refusals: string[] }> => {
    const host = await guest(url, 'Ayla');
    const connection = (opened = new TableConnection(host.token, url));
    const refusals: string[] = [];
    connection.table.on('error', (error) => refusals.push(error.code));
    await connection.connected();
    const sessionId = await connection.createSession();
    await connection.join(sessionId);
    useBook.getState().attach(connection, { token: host.token, userId: host.user.id }, sessionId, true);
    return { connection, host, sessionId, refusals };
  };

  it('L10: a token placed offline from a revision the restarted server no longer holds is rebased and applied, not dropped', async () => {
    // SQLite in a kept folder and a fixed secret: a restarted server has the table, and tokens stay valid
    const env = { STORAGE: 'sqlite', DATA_DIR: await tempDir(), SESSION_SECRET: 'book-store-test-secret-long-enough-for-config' };
    const port = String(await freePort());
    let server = await serve({ ...env, PORT: port });
    const { connection, host, sessionId, refusals } = await hostBook(server.url);
    const bo = await player(server.url, 'Bo');
    await join(bo, sessionId);
    await bo.table.updateLayers(BOOK, 1, { strokes: [stroke('b1', bo.user.id)], tokens: [] });
    await eventually(() => connection.table.revisionOf(BOOK, 1) === 1, 5000, 'Ayla holds revision 1');

    await stop(server);
    await eventually(() => connection.client.status === 'offline', 5000, 'Ayla offline');
    const mine = token('ayla-token', host.user.id);
    useBook.getState().edit(BOOK, 1, { kind: 'add', list: 'tokens', item: mine });
    const shown = () => ids(useBook.getState().layersOf(BOOK, 1)).includes(mine.id);
    assert.equal(shown(), true, 'shown at once while offline');

    // while Ayla is away, the server comes back elsewhere and Bo draws: the page is at revision 2
    const elsewhere = await serve({ ...env, PORT: String(await freePort()) });
    const back = await player(elsewhere.url, 'Bo');
    await join(back, sessionId);
    const drawn = await back.table.updateLayers(BOOK, 1, { strokes: [stroke('b1', bo.user.id), stroke('b2', bo.user.id)], tokens: [] });
    assert.deepEqual(drawn, { ok: true, revision: 2 });
    closeAll([bo, back]);
    await stop(elsewhere);

    // restarted where Ayla reconnects: its history holds revision 2 only, Ayla's edit is from revision 1
    server = await serve({ ...env, PORT: port });
    const atServer = () => ids(readLayers(connection.table.layersOf(BOOK, 1)));
    await eventually(() => atServer().includes(mine.id) || !shown(), 20_000, 'the offline token settled (applied, or dropped)');
    assert.equal(shown(), true, `the offline token is still shown to Ayla (refusals: ${refusals.join(', ')})`);
    await eventually(() => atServer().includes(mine.id), 5000, 'the offline token reaches the server');
    const session = await server.registry.get(sessionId);
    assert.deepEqual(ids(readLayers(session.fullState().layers[BOOK]?.[1])), ['ayla-token', 'b1', 'b2'], "Bo's stroke and Ayla's token are both kept");
  });

  it('L10: an edit refused with version-conflict (its base left the history) is rebased on the newer layers and sent again', async () => {
    // a history of one revision: the one Ayla edits from is gone once Bo's edit lands first
    const server = await serve({ LAYER_HISTORY_ENTRIES: '1' });
    const { connection, host, sessionId, refusals } = await hostBook(server.url);
    const bo = await player(server.url, 'Bo');
    await join(bo, sessionId);
    await bo.table.updateLayers(BOOK, 1, { strokes: [stroke('b1', bo.user.id)], tokens: [] });
    await eventually(() => connection.table.revisionOf(BOOK, 1) === 1, 5000, 'Ayla holds revision 1');

    // the session's turn is held while both edits queue, Bo's first: Ayla's is made from revision 1
    const session = await server.registry.get(sessionId);
    let release = () => {};
    void session.exclusive(() => new Promise<void>((resolve) => (release = resolve)));
    let queued = 0;
    const exclusive = session.exclusive.bind(session);
    session.exclusive = <T>(task: () => T | Promise<T>) => {
      queued++;
      return exclusive(task);
    };
    const drawn = bo.table.updateLayers(BOOK, 1, { strokes: [stroke('b1', bo.user.id), stroke('b2', bo.user.id)], tokens: [] });
    await eventually(() => queued === 1, 5000, "Bo's edit queued");
    const mine = token('ayla-token', host.user.id);
    useBook.getState().edit(BOOK, 1, { kind: 'add', list: 'tokens', item: mine });
    await eventually(() => queued === 2, 5000, "Ayla's edit queued");
    release();
    assert.deepEqual(await drawn, { ok: true, revision: 2 });

    const atServer = () => ids(readLayers(connection.table.layersOf(BOOK, 1)));
    const shown = () => ids(useBook.getState().layersOf(BOOK, 1)).includes(mine.id);
    await eventually(() => atServer().includes(mine.id) || !shown(), 5000, "Ayla's token settled (applied, or dropped)");
    assert.deepEqual(refusals, ['version-conflict'], 'refused once for its stale base');
    assert.deepEqual(atServer(), ['ayla-token', 'b1', 'b2'], "then rebased and applied, with Bo's stroke kept");
    assert.equal(connection.table.revisionOf(BOOK, 1), 3);
    closeAll([bo]);
  });
});
