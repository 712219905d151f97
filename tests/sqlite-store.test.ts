import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import type { GameStateDelta } from '../shared/protocol';
import { StorageError } from '../server/storage/storage-error';
import { SqliteSessionStore } from '../server/storage/sqlite/sqlite-store';
import { MIGRATIONS } from '../server/storage/sqlite/migrations';
import { GroupCommit } from '../server/storage/sqlite/group-commit';
import { SqliteConnection } from '../server/storage/sqlite/connection';
import { entry } from './store-contract';
import { tempDir } from './support/temp-dir';

async function fileIn(name = 'store.sqlite'): Promise<string> {
  return path.join(await tempDir('gamebook-store-'), name);
}

function open(file: string, maxBytes?: number): SqliteSessionStore {
  return SqliteSessionStore.open({ file, sync: 'full', maxBytes });
}

async function withSession(store: SqliteSessionStore, id: string, versions: number): Promise<void> {
  await store.createSession({ id, hostId: 'host-1', createdAt: 1000 });
  for (let v = 1; v <= versions; v++) await store.appendUpdates(id, [{ entry: entry(v) }]);
}

async function eventuallyTrue(condition: () => boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 200 && !condition(); attempt++) await new Promise((resolve) => setTimeout(resolve, 25));
  assert.ok(condition(), what);
}

async function rejects(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => error instanceof StorageError && error.code === code);
}

describe('SQLite session store on a real file', () => {
  it('migrates a new file to the newest schema, and an up-to-date one not again (the rest: store-contract.test.ts)', async () => {
    const file = await fileIn();
    const first = open(file);
    assert.deepEqual(first.migrated, MIGRATIONS.map((m) => m.version));
    await withSession(first, 's1', 3);
    await first.close();
    const second = open(file);
    assert.deepEqual(second.migrated, [], 'an up-to-date schema is not migrated again');
    assert.equal((await second.loadSession('s1'))?.log.length, 3);
    await second.close();
  });

  it('commits appends that arrive together in one group, each resolved only once committed', async () => {
    const file = await fileIn();
    const store = open(file);
    const ids = Array.from({ length: 20 }, (_, i) => `s${i}`);
    await Promise.all(ids.map((id) => store.createSession({ id, hostId: 'h', createdAt: 1 })));
    // a second connection sees only what was committed, and counts the frames each batch wrote to the WAL
    const reader = new BetterSqlite3(file);
    const walFramesOf = async (append: () => Promise<unknown>): Promise<number> => {
      reader.pragma('wal_checkpoint(TRUNCATE)');
      await append();
      return (reader.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number }>)[0]?.log ?? -1;
    };
    const together = await walFramesOf(() => Promise.all(ids.map((id) => store.appendUpdates(id, [{ entry: entry(1) }]))));
    const oneByOne = await walFramesOf(async () => {
      for (const id of ids) await store.appendUpdates(id, [{ entry: entry(2) }]);
    });
    assert.equal((reader.prepare('SELECT count(*) AS n FROM deltas').get() as { n: number }).n, 40);
    assert.ok(together * 4 < oneByOne, `one commit for the group: ${together} WAL frames, against ${oneByOne} one by one`);
    reader.close();
    await store.close();
  });

  it('W1: a write resolves only once its commit is durable; the event loop runs meanwhile, and writes committed during a flush wait for the next', async () => {
    const db = new BetterSqlite3(await fileIn());
    db.exec('CREATE TABLE t (n INTEGER)');
    const flushes: Array<() => void> = [];
    const writes = new GroupCommit(db, () => new Promise<void>((resolve) => flushes.push(resolve)));
    const settled: number[] = [];
    const write = (n: number) => writes.run(() => db.prepare('INSERT INTO t VALUES (?)').run(n)).then(() => settled.push(n));
    const first = [write(1), write(2)];
    await new Promise((resolve) => setTimeout(resolve, 20));
    // committed (another reader would see it) but not yet flushed: nothing is resolved, timers still ran
    assert.equal((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, 2);
    assert.deepEqual(settled, []);
    assert.equal(flushes.length, 1, 'one flush for the batch');
    const second = write(3);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(flushes.length, 2, 'the write committed during the first flush waits for a flush of its own');
    flushes[0]?.();
    await Promise.all(first);
    assert.deepEqual(settled, [1, 2]);
    const closing = writes.close();
    flushes[1]?.();
    await Promise.all([second, closing]);
    assert.deepEqual(settled, [1, 2, 3]);
    db.close();
  });

  it('W1: a failed flush fails the writes that waited for it', async () => {
    const db = new BetterSqlite3(await fileIn());
    db.exec('CREATE TABLE t (n INTEGER)');
    const writes = new GroupCommit(db, () => Promise.reject(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })));
    await rejects(writes.run(() => db.prepare('INSERT INTO t VALUES (1)').run()), 'storage-failed');
    db.close();
  });

  it('W5: the server\'s connection never checkpoints in a commit; a worker thread folds the WAL into the database while writes go on', async () => {
    const file = await fileIn();
    const connection = SqliteConnection.open({ file, sync: 'full' });
    assert.equal(connection.db.pragma('wal_autocheckpoint', { simple: true }), 0, 'no checkpoint inside a commit on the event loop');
    const store = new SqliteSessionStore(connection);
    const reader = new BetterSqlite3(file);
    await withSession(store, 's', 0);
    const big = (v: number): GameStateDelta => ({ ...entry(v), delta: { page: ['x'.repeat(3000), 'y'.repeat(3000)] } });
    for (let v = 1; v <= 1500; v++) await store.appendUpdates('s', [{ entry: big(v) }]);
    const pages = () => (reader.pragma('page_count', { simple: true }) as number);
    // 1,500 commits of two pages and more: SQLite's own checkpoint would have run in a commit by now
    assert.equal(reader.prepare('SELECT count(*) AS n FROM deltas').pluck().get(), 1500);
    await eventuallyTrue(() => pages() > 1000, 'the worker to copy the WAL into the database file');
    reader.close();
    await store.close();
  });

  it('a write that fails inside a group fails alone; the others commit', async () => {
    const store = open(await fileIn());
    await withSession(store, 'ok', 0);
    const results = await Promise.allSettled([
      store.appendUpdates('ok', [{ entry: entry(1) }]),
      store.appendUpdates('missing', [{ entry: entry(1) }]),
      store.appendUpdates('ok', [{ entry: entry(1) }]),
      store.appendUpdates('ok', [{ entry: entry(2) }]),
    ]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    assert.equal((results[1] as PromiseRejectedResult).reason.code, 'storage-failed');
    assert.equal((results[2] as PromiseRejectedResult).reason.code, 'version-taken', 'version 1 was appended just before');
    assert.deepEqual((await store.loadSession('ok'))?.log.map((e) => e.version), [1, 2]);
    await store.close();
  });

  it('a full disk fails the write with storage-full and keeps what was stored', async () => {
    const file = await fileIn();
    const store = open(file, 96 * 1024);
    await store.createSession({ id: 's', hostId: 'h', createdAt: 1 });
    const big = (version: number): GameStateDelta => ({ ...entry(version), delta: { text: ['x'.repeat(20_000)] } });
    let stored = 0;
    for (;;) {
      const result = await store.appendUpdates('s', [{ entry: big(stored + 1) }]).then(() => null, (error: unknown) => error);
      if (result) {
        assert.ok(result instanceof StorageError && result.code === 'storage-full', String(result));
        break;
      }
      stored++;
      assert.ok(stored < 20, 'the limit was never reached');
    }
    assert.ok(stored >= 1);
    await store.close();
    const reopened = open(file);
    assert.equal((await reopened.loadSession('s'))?.log.length, stored);
    await reopened.close();
  });

  it('refuses a file that is not a database, and leaves it untouched', async () => {
    const file = await fileIn();
    await writeFile(file, 'these are not the pages you are looking for'.repeat(200));
    const before = await readFile(file);
    assert.throws(() => open(file), (error: unknown) => error instanceof StorageError && error.code === 'storage-corrupt');
    assert.deepEqual(await readFile(file), before);
  });

  it('refuses a damaged database, and leaves it untouched', async () => {
    const file = await fileIn();
    const store = open(file);
    await withSession(store, 's', 200);
    await store.close();
    const bytes = await readFile(file);
    // garble the middle pages but keep the header: the file still opens, its b-trees do not hold
    bytes.fill(0xa5, 4096, bytes.length - 4096);
    await writeFile(file, bytes);
    assert.throws(() => open(file), (error: unknown) => error instanceof StorageError && error.code === 'storage-corrupt');
    assert.deepEqual(await readFile(file), bytes);
  });

  it('refuses a database from a newer schema', async () => {
    const file = await fileIn();
    const db = new BetterSqlite3(file);
    db.pragma('user_version = 99');
    db.close();
    assert.throws(() => open(file), (error: unknown) => error instanceof StorageError && error.code === 'storage-too-new');
  });
});
