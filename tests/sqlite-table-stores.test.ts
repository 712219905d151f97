import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { SqliteConnection } from '../server/storage/sqlite/connection';
import { migrate, MIGRATIONS } from '../server/storage/sqlite/migrations';
import { SqliteLayerStore } from '../server/storage/sqlite/sqlite-layer-store';
import { SqlitePdfStore } from '../server/storage/sqlite/sqlite-pdf-store';
import { SqliteSessionStore } from '../server/storage/sqlite/sqlite-store';
import { SqliteRoleStore } from '../server/storage/sqlite/sqlite-role-store';
import { SqliteViewStore } from '../server/storage/sqlite/sqlite-view-store';
import { tempDir } from './support/temp-dir';

function openAll(file: string) {
  const connection = SqliteConnection.open({ file, sync: 'full' });
  return {
    connection,
    sessions: new SqliteSessionStore(connection),
    layers: new SqliteLayerStore(connection),
    pdfs: new SqlitePdfStore(connection),
    views: new SqliteViewStore(connection),
    roles: new SqliteRoleStore(connection),
  };
}

const record = (id: string, name = `${id}.pdf`) => ({ id, name, size: 10, sha256: id, addedBy: 'host-1', addedAt: 5 });

describe('SQLite table stores on a real file', () => {
  it('a database of schema 1 is migrated with its sessions kept, and starts with no layers, PDFs, view or roles', async () => {
    const file = path.join(await tempDir('gamebook-migrate-'), 'old.sqlite');
    const old = new BetterSqlite3(file);
    migrate(old, file, MIGRATIONS.slice(0, 1));
    old.prepare("INSERT INTO sessions (id, host_id, created_at, last_used_at) VALUES ('s', 'h', 1, 2)").run();
    old.close();

    const stores = openAll(file);
    assert.deepEqual(stores.connection.migrated, MIGRATIONS.slice(1).map((migration) => migration.version));
    assert.deepEqual((await stores.sessions.loadSession('s'))?.meta, { id: 's', hostId: 'h', createdAt: 1 });
    assert.deepEqual(await stores.layers.loadPages('s'), []);
    assert.deepEqual(await stores.pdfs.listPdfs('s'), []);
    assert.equal(await stores.views.loadView('s'), null);
    assert.equal(await stores.roles.loadRoles('s'), null, 'no roles stored: its creator is host');
    await stores.sessions.close();
  });

  it('writes queued together commit in one group, in the order queued (the rest: store-contract.test.ts)', async () => {
    const file = path.join(await tempDir('gamebook-tables-'), 'store.sqlite');
    let stores = openAll(file);
    await stores.sessions.createSession({ id: 's', hostId: 'host-1', createdAt: 1 });
    await Promise.all([
      stores.layers.savePage('s', { pdfId: 'b', pageNum: 2, revision: 1, layers: { tokens: [{ id: 't', x: 1 }] } }),
      stores.layers.savePage('s', { pdfId: 'b', pageNum: 2, revision: 2, layers: { tokens: [{ id: 't', x: 2 }] } }),
      stores.pdfs.addPdf('s', record('zz')),
      stores.pdfs.addPdf('s', record('aa', 'Über 🐉.pdf')),
      stores.views.saveView('s', { pdfId: 'b', currentPage: 3, scale: 1 }),
      stores.views.saveView('s', { pdfId: 'b', currentPage: 4, scale: 2.5 }),
    ]);
    await stores.sessions.close();

    stores = openAll(file);
    assert.deepEqual(await stores.layers.loadPages('s'), [{ pdfId: 'b', pageNum: 2, revision: 2, layers: { tokens: [{ id: 't', x: 2 }] } }]);
    assert.deepEqual(await stores.pdfs.listPdfs('s'), [record('zz'), record('aa', 'Über 🐉.pdf')]);
    assert.deepEqual(await stores.views.loadView('s'), { pdfId: 'b', currentPage: 4, scale: 2.5 });
    await stores.sessions.close();
  });
});
