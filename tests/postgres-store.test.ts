import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../server/logger';
import { PostgresDatabase } from '../server/storage/postgres/database';
import { POSTGRES_MIGRATIONS } from '../server/storage/postgres/migrations';
import { PostgresLayerStore } from '../server/storage/postgres/postgres-layer-store';
import { PostgresPdfStore } from '../server/storage/postgres/postgres-pdf-store';
import { PostgresSessionStore } from '../server/storage/postgres/postgres-session-store';
import type { LoggedUpdate } from '../server/storage/session-store';
import { StorageError } from '../server/storage/storage-error';
import { adminQuery, testDatabase } from './support/postgres';

const logger = createLogger('silent');
const options = (url: string) => ({ url, poolSize: 2, connectTimeoutMs: 5000 });

describe('PostgreSQL migrations', () => {
  it('G4: nodes starting together on a new database migrate it once: one takes the advisory lock, the others find it done', async () => {
    const url = await testDatabase();
    const nodes = await Promise.all(Array.from({ length: 5 }, () => PostgresDatabase.open(options(url), logger)));
    const newest = POSTGRES_MIGRATIONS.map((m) => m.version);
    assert.deepEqual(
      nodes.map((node) => node.migrated).sort((a, b) => b.length - a.length),
      [newest, [], [], [], []],
    );
    const { rows } = await adminQuery(url, 'SELECT version, name FROM schema_migrations ORDER BY version');
    assert.deepEqual(rows, POSTGRES_MIGRATIONS.map(({ version, name }) => ({ version, name })));
    await Promise.all(nodes.map((node) => node.close()));
    const again = await PostgresDatabase.open(options(url), logger);
    assert.deepEqual(again.migrated, [], 'an up-to-date schema is not migrated again');
    await again.close();
  });

  it('G5: a database migrated by a newer server is refused with storage-too-new; an unreachable one with storage-unavailable', async () => {
    const url = await testDatabase();
    await (await PostgresDatabase.open(options(url), logger)).close();
    await adminQuery(url, "INSERT INTO schema_migrations (version, name) VALUES (99, 'from the future')");
    await assert.rejects(PostgresDatabase.open(options(url), logger), (error: unknown) => error instanceof StorageError && error.code === 'storage-too-new');
    const nowhere = 'postgres://postgres@127.0.0.1:1/none';
    await assert.rejects(PostgresDatabase.open(options(nowhere), logger), (error: unknown) => error instanceof StorageError && error.code === 'storage-unavailable');
  });
});

describe('PostgreSQL appends of many sessions', () => {
  const logged = (version: number, userId: string): LoggedUpdate => ({
    entry: { delta: { tick: [version - 1, version] }, version, fromVersion: version - 1, crc: version, updateId: `k-${version}` },
    applied: { userId, clientKey: 'k', seq: version, version },
  });

  it('PG1: the appends of several sessions in one turn commit in one statement; when one lost its version to another writer, it alone fails', async () => {
    const url = await testDatabase();
    const db = await PostgresDatabase.open(options(url), logger);
    const store = new PostgresSessionStore(db);
    const statements: string[] = [];
    const query = db.query.bind(db);
    db.query = (text, values) => {
      statements.push(text);
      return query(text, values);
    };
    for (const id of ['a', 'b', 'c']) await store.createSession({ id, hostId: 'host', createdAt: 1 });
    statements.length = 0;
    await Promise.all(['a', 'b', 'c'].map((id) => store.appendUpdates(id, [logged(1, `${id}-user`)])));
    assert.equal(statements.length, 1, 'three sessions, one statement');

    // another node appended version 2 of b first
    await adminQuery(url, "INSERT INTO deltas (session_id, version, from_version, crc, delta) VALUES ('b', 2, 1, 0, '{}')");
    const settled = await Promise.allSettled(['a', 'b', 'c'].map((id) => store.appendUpdates(id, [logged(2, `${id}-user`)])));
    assert.deepEqual(
      settled.map((each) => (each.status === 'fulfilled' ? 'ok' : (each.reason as StorageError).code)),
      ['ok', 'version-taken', 'ok'],
    );
    for (const id of ['a', 'c']) {
      const stored = await store.loadSession(id);
      assert.deepEqual(stored?.log.map((delta) => delta.version), [1, 2]);
      assert.deepEqual(stored?.applied, [{ userId: `${id}-user`, clientKey: 'k', seq: 2, version: 2 }]);
    }
    assert.deepEqual((await store.loadSession('b'))?.applied, [{ userId: 'b-user', clientKey: 'k', seq: 1, version: 1 }], 'nothing of the refused append was stored');
    await store.close();
  });
});

describe('PostgreSQL pages of a removed book', () => {
  it('PG2: a page a write stored while its book was being removed (the two overlapping) is never loaded, and goes when the book is added again', async () => {
    const url = await testDatabase();
    const db = await PostgresDatabase.open(options(url), logger);
    const sessions = new PostgresSessionStore(db);
    const pdfs = new PostgresPdfStore(db);
    const layers = new PostgresLayerStore(db);
    const book = { id: 'book', name: 'book.pdf', size: 10, sha256: 'book', addedBy: 'host', addedAt: 5 };
    await sessions.createSession({ id: 's', hostId: 'host', createdAt: 1 });
    await pdfs.addPdf('s', book);
    await pdfs.removePdf('s', 'book');
    // what an insert that began before the removal committed, and committed after it, leaves
    await adminQuery(url, "INSERT INTO layers (session_id, pdf_id, page_num, revision, layers) VALUES ('s', 'book', 1, 1, '\\x00'::bytea)");
    assert.deepEqual(await layers.loadPages('s'), []);
    await pdfs.addPdf('s', book);
    const { rows } = await adminQuery(url, "SELECT page_num FROM layers WHERE session_id = 's'");
    assert.deepEqual(rows, [], 'the page left behind went with the book added again');
    await layers.savePage('s', { pdfId: 'book', pageNum: 1, revision: 1, layers: { again: true } });
    assert.deepEqual(await layers.loadPages('s'), [{ pdfId: 'book', pageNum: 1, revision: 1, layers: { again: true } }]);
    await db.close();
  });
});
