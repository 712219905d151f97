import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import type { GameStateDelta } from '../shared/protocol';
import { StorageError } from '../server/storage/storage-error';
import { SqliteSessionStore } from '../server/storage/sqlite/sqlite-store';
import { MIGRATIONS } from '../server/storage/sqlite/migrations';
import { BATCH_SPACING_MS, WriteBatches } from '../server/storage/write-batches';
import type { Outcome } from '../server/storage/write-outcome';
import type { WriteCommand } from '../server/storage/sqlite/write-commands';
import { WriterThread } from '../server/storage/sqlite/writer-thread';
import { SqliteConnection } from '../server/storage/sqlite/connection';
import { BACKGROUND_NICE, lowerThisThread } from '../server/storage/sqlite/thread-priority';
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

/**
 * Checkpoints the whole WAL and starts it over. While the store's checkpointer thread holds the
 * checkpoint lock (its PASSIVE checkpoint, fsyncs included), a TRUNCATE answers busy and leaves the
 * frames there: a fresh clone's run counted 36 frames for a group of 3, the 30 of the migrations and
 * the 3 of the sessions' creation still in the WAL. So it is tried until the WAL is empty.
 */
async function emptyWal(reader: BetterSqlite3.Database): Promise<void> {
  await eventuallyTrue(() => {
    const [result] = reader.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number; log: number }>;
    return result?.busy === 0 && result.log === 0;
  }, 'the WAL checkpointed and started over');
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
      await emptyWal(reader);
      // a read held open meanwhile: the checkpointer thread cannot start the WAL over under the count
      reader.exec('BEGIN');
      reader.prepare('SELECT count(*) FROM deltas').get();
      await append();
      reader.exec('COMMIT');
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

  it('W1: a write resolves only once the writer thread has committed its batch; the event loop runs meanwhile, and writes queued while a batch is in the writer go in the next one', async () => {
    const commits: Array<{ commands: WriteCommand[]; done: (outcomes: Outcome[]) => void }> = [];
    const writes = new WriteBatches<WriteCommand>((commands) => new Promise((done) => commits.push({ commands, done })));
    const settled: string[] = [];
    const write = (id: string) => writes.run({ kind: 'touchSession', id, now: 1 }).then((value) => settled.push(`${id}=${String(value)}`));
    const first = [write('a'), write('b')];
    await new Promise((resolve) => setTimeout(resolve, 20));
    // in the writer, not yet committed: nothing is resolved, timers still ran
    assert.deepEqual(settled, []);
    assert.deepEqual(commits.map((c) => c.commands.length), [2], 'one batch for the writes of one turn');
    const second = [write('c'), write('d')];
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(commits.length, 1, 'one batch in the writer at a time: the next one waits');
    commits[0]?.done([{ ok: true, value: true }, { ok: false, error: { code: 'version-taken', message: 'taken' } }]);
    await assert.rejects(first[1]!, (error: unknown) => error instanceof StorageError && error.code === 'version-taken', 'a typed error survives the thread hop');
    await first[0];
    assert.deepEqual(settled, ['a=true']);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(commits.map((c) => c.commands.length), [2, 2], 'what was queued meanwhile goes as the next batch');
    const closing = writes.close();
    commits[1]?.done([{ ok: true, value: false }, { ok: true, value: true }]);
    await Promise.all([...second, closing]);
    assert.deepEqual(settled, ['a=true', 'c=false', 'd=true']);
    await rejects(writes.run({ kind: 'ping' }), 'storage-closed');
  });

  it('W1: after a batch of several commands the next one starts BATCH_SPACING_MS later at the earliest; after a batch of one it starts at once', async () => {
    const started: number[] = [];
    const writes = new WriteBatches<WriteCommand>((commands) => {
      started.push(performance.now());
      return Promise.resolve(commands.map(() => ({ ok: true, value: undefined }) as Outcome));
    });
    const ping = () => writes.run({ kind: 'ping' });
    await Promise.all([ping(), ping()]);
    await ping();
    await ping();
    assert.equal(started.length, 3);
    // the batches read the clock just before they call commit, which reads it here: some microseconds apart
    assert.ok(started[1]! - started[0]! >= BATCH_SPACING_MS - 0.5, `a shared batch spaces the next: ${started[1]! - started[0]!} ms`);
    // the batch before held one command: no wait but the turn's (setImmediate)
    assert.ok(started[2]! - started[1]! < BATCH_SPACING_MS - 1, `a lone batch does not: ${started[2]! - started[1]!} ms`);
    await writes.close();
  });

  it('W1: a batch the writer could not commit fails every write in it', async () => {
    const writes = new WriteBatches<WriteCommand>(() => Promise.reject(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' })));
    await rejects(writes.run({ kind: 'ping' }), 'storage-failed');
  });

  it('W7: a writer thread that dies fails the batch it held and every later one with storage-failed; nothing hangs, nothing is acknowledged', async () => {
    // a folder that does not exist: the thread cannot open the database and ends
    const writer = new WriterThread({ file: path.join(await tempDir('gamebook-store-'), 'missing', 'store.sqlite'), sync: 'full' });
    const writes = new WriteBatches<WriteCommand>((commands) => writer.send(commands));
    await rejects(writes.run({ kind: 'ping' }), 'storage-failed');
    await rejects(writes.run({ kind: 'ping' }), 'storage-failed');
    await writer.stop();
  });

  it('W7: a commit that waits (here on a lock another connection holds) waits on the writer thread: the event loop keeps turning, the write resolves once it commits', async () => {
    const file = await fileIn();
    const store = open(file);
    await withSession(store, 's', 0);
    const blocker = new BetterSqlite3(file);
    blocker.exec('BEGIN IMMEDIATE');
    let resolved = false;
    const appended = store.appendUpdates('s', [{ entry: entry(1) }]).then(() => (resolved = true));
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 50));
    // on the event loop, SQLite's busy wait would have held this timer until the lock was let go
    assert.ok(performance.now() - started < 1000, 'the timer fired while the commit waited');
    assert.equal(resolved, false, 'not resolved before its commit');
    blocker.exec('COMMIT');
    blocker.close();
    await appended;
    assert.deepEqual((await store.loadSession('s'))?.log.map((e) => e.version), [1]);
    await store.close();
  });

  it('W8: an append writes the session\'s last_used_at at most once a minute (only expiry reads it)', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
    const file = await fileIn();
    const store = open(file);
    const reader = new BetterSqlite3(file, { readonly: true });
    const lastUsed = () => reader.prepare("SELECT last_used_at FROM sessions WHERE id = 's'").pluck().get();
    await store.createSession({ id: 's', hostId: 'h', createdAt: 1 });
    await store.appendUpdates('s', [{ entry: entry(1) }]);
    assert.equal(lastUsed(), 1_000_000);
    t.mock.timers.tick(30_000);
    await store.appendUpdates('s', [{ entry: entry(2) }]);
    assert.equal(lastUsed(), 1_000_000, 'not written again within the minute');
    t.mock.timers.tick(31_000);
    await store.appendUpdates('s', [{ entry: entry(3) }]);
    assert.equal(lastUsed(), 1_061_000, 'written again once the minute has passed');
    reader.close();
    await store.close();
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

  it('W9: on Linux the writer and the checkpointer threads run at nice 10 (or the process\'s, if lower), the event loop as it did', { skip: process.platform !== 'linux' && 'a thread takes its own nice value on Linux only' }, async () => {
    const niceOf = async (task: string) => Number((await readFile(`/proc/self/task/${task}/stat`, 'utf8')).split(') ')[1]?.split(' ')[16]);
    const tasks = async () => (await readdir('/proc/self/task')).filter((task) => task !== String(process.pid));
    const before = new Set(await tasks());
    const eventLoop = await niceOf(String(process.pid));
    const store = open(await fileIn());
    await withSession(store, 's', 1);
    const background = Math.max(eventLoop, BACKGROUND_NICE);
    const startedNices = async () => Promise.all((await tasks()).filter((task) => !before.has(task)).map(niceOf));
    // each thread lowers itself as it starts: the checkpointer's may start after the writes above
    let nices = await startedNices();
    for (let attempt = 0; attempt < 200 && nices.filter((nice) => nice === background).length < 2; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      nices = await startedNices();
    }
    assert.ok(nices.filter((nice) => nice === background).length >= 2, `the writer and the checkpointer at nice ${background} (threads started: ${nices.join(', ')})`);
    assert.equal(await niceOf(String(process.pid)), eventLoop, 'the event loop keeps its priority');
    await store.close();
  });

  it('W9: a thread the system will not lower keeps working at its priority, and says so', async () => {
    const warned = new Promise<Error>((resolve) => process.once('warning', resolve));
    // out of setpriority's range: refused as a sandbox would refuse the call
    assert.doesNotThrow(() => lowerThisThread(BACKGROUND_NICE + 100));
    const warning = await warned;
    assert.equal((warning as Error & { code?: string }).code, 'GAMEBOOK_THREAD_PRIORITY');
    assert.match(warning.message, /keeps the event loop's priority/);
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
