import assert from 'node:assert/strict';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { encodeBinary } from '../shared/binary-codec';
import { SqliteConnection } from '../server/storage/sqlite/connection';
import { migrate, MIGRATIONS } from '../server/storage/sqlite/migrations';
import { SqliteLayerStore } from '../server/storage/sqlite/sqlite-layer-store';
import { request, startTestServer } from './support/harness';
import { closeAll, join, player, tableOf, type Player } from './support/table';
import { tempDir } from './support/temp-dir';

/** A page of drawings as the activity makes them: many strokes of many points. */
function drawings(strokes: number): object {
  return {
    drawings: Array.from({ length: strokes }, (_, s) => ({
      id: `stroke-${s}`,
      color: '#d33',
      width: 3,
      points: Array.from({ length: 40 }, (_, p) => [Math.round(100 + s * 3 + p * 2), Math.round(200 + ((s * p) % 50))]),
    })),
  };
}

/** The stored layers column of every page, read through a connection of its own. */
function storedLayers(file: string): unknown[] {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return db.prepare('SELECT layers FROM layers').all().map((row) => (row as { layers: unknown }).layers);
  } finally {
    db.close();
  }
}

describe('layers are stored deflated', () => {
  it('Z1: a page is a deflated blob on disk, a fraction of its JSON, and reads back the same after a restart', async (t) => {
    const dataDir = await tempDir('gamebook-deflated-');
    const env = { STORAGE: 'sqlite', DATA_DIR: dataDir };
    let server = await startTestServer(env);
    t.after(() => server.stop());
    const { sessionId, players } = await tableOf(server.url, 'host');
    const page = drawings(300);
    const ack = await request((players[0] as Player).socket, 'update-layers', encodeBinary({ pdfId: 'book', pageNum: 1, layers: page }));
    assert.ok(ack.ok, JSON.stringify(ack));
    closeAll(players);
    await server.stop();

    const [stored] = storedLayers(path.join(dataDir, 'gamebook.sqlite'));
    assert.ok(Buffer.isBuffer(stored), `a blob, not ${typeof stored}`);
    const json = Buffer.byteLength(JSON.stringify(page));
    assert.ok(stored.length * 4 < json, `${stored.length} bytes stored for ${json} bytes of JSON`);
    assert.deepEqual(JSON.parse(inflateSync(stored).toString('utf8')), page);

    server = await startTestServer(env);
    const late = await player(server.url, 'late');
    assert.deepEqual((await join(late, sessionId)).layers, { book: { 1: page } });
    closeAll([late]);
  });

  it('Z2: pages stored as JSON text before schema 6 are deflated by the migration and read the same', async () => {
    const file = path.join(await tempDir('gamebook-migrate-6-'), 'old.sqlite');
    const old = new BetterSqlite3(file);
    migrate(old, file, MIGRATIONS.filter((migration) => migration.version <= 5));
    old.prepare("INSERT INTO sessions (id, host_id, created_at, last_used_at) VALUES ('s', 'h', 1, 2)").run();
    const page = drawings(20);
    old.prepare("INSERT INTO layers (session_id, pdf_id, page_num, revision, layers) VALUES ('s', 'book', 3, 7, ?)").run(JSON.stringify(page));
    old.close();

    const connection = SqliteConnection.open({ file, sync: 'full' });
    assert.deepEqual(await new SqliteLayerStore(connection).loadPages('s'), [{ pdfId: 'book', pageNum: 3, revision: 7, layers: page }]);
    await connection.close();
    const [stored] = storedLayers(file);
    assert.ok(Buffer.isBuffer(stored), 'converted to a blob');
    assert.deepEqual(JSON.parse(inflateSync(stored).toString('utf8')), page);
  });
});
