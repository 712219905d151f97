import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { it } from 'node:test';
import type { GameStateDelta } from '../shared/protocol';
import type { Storage } from '../server/storage/open-store';
import type { PdfReferences } from '../server/storage/pdf-bytes';
import type { PdfStore } from '../server/storage/pdf-store';
import { StorageError } from '../server/storage/storage-error';
import type { StoreEngine } from './support/store-engines';

export function entry(version: number): GameStateDelta {
  return { delta: { hp: [version - 1, version] }, version, fromVersion: version - 1, crc: version * 7 };
}

export async function withSession(storage: Storage, id: string, versions: number): Promise<void> {
  await storage.sessions.createSession({ id, hostId: 'host-1', createdAt: 1000 });
  for (let v = 1; v <= versions; v++) await storage.sessions.appendUpdates(id, [{ entry: entry(v) }]);
}

export async function rejectsWith(promise: Promise<unknown>, code: string, message?: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => error instanceof StorageError && error.code === code, message);
}

/** A session's stores opened on a fresh place; `reopen` is a restart where the engine keeps data. */
export async function fresh(engine: StoreEngine): Promise<{ storage: Storage; reopen(): Promise<Storage> }> {
  const open = await engine.place();
  const storage = await open();
  return {
    storage,
    reopen: async () => {
      if (!engine.durable) return storage;
      await storage.sessions.close();
      return open();
    },
  };
}

/** What a session store must do, whatever keeps it (K1 to K5; tables and PDFs: table-contract.ts). */
export function sessionContract(engine: StoreEngine): void {
  const name = engine.name;

  it(`K1 (${name}): a session is created and loaded back with its host; an unknown one is null`, async () => {
    const { storage } = await fresh(engine);
    await storage.sessions.createSession({ id: 's', hostId: 'host-1', createdAt: 1000 });
    assert.deepEqual(await storage.sessions.loadSession('s'), {
      meta: { id: 's', hostId: 'host-1', createdAt: 1000 },
      snapshot: { version: 0, state: {} },
      log: [],
      applied: [],
    });
    assert.equal(await storage.sessions.loadSession('nope'), null);
    await storage.sessions.close();
  });

  it(`K2 (${name}): keeps the log with the ids of applied updates, and the last applied update per client (S10)`, async () => {
    const { storage, reopen } = await fresh(engine);
    const { sessions } = storage;
    await sessions.createSession({ id: 's', hostId: 'h', createdAt: 1 });
    await sessions.appendUpdates('s', [{ entry: { ...entry(1), updateId: 'uA-1' }, applied: { userId: 'a', clientKey: 'uA', seq: 1, version: 1 } }]);
    await sessions.appendUpdates('s', [{ entry: { ...entry(2), updateId: 'uA-2' }, applied: { userId: 'a', clientKey: 'uA', seq: 2, version: 2 } }]);
    await sessions.recordApplied('s', { userId: 'b', clientKey: 'uB', seq: 7, version: 2 });
    const reopened = await reopen();
    const loaded = await reopened.sessions.loadSession('s');
    assert.deepEqual(loaded?.log, [{ ...entry(1), updateId: 'uA-1' }, { ...entry(2), updateId: 'uA-2' }]);
    assert.deepEqual(
      loaded?.applied.sort((x, y) => x.userId.localeCompare(y.userId)),
      [
        { userId: 'a', clientKey: 'uA', seq: 2, version: 2 },
        { userId: 'b', clientKey: 'uB', seq: 7, version: 2 },
      ],
    );
    await reopened.sessions.saveSnapshot('s', { version: 2, state: {} }, 0, Date.now() + 1000);
    assert.deepEqual((await reopened.sessions.loadSession('s'))?.applied, [], 'records older than the retention go with a snapshot');
    await reopened.sessions.close();
  });

  it(`K3 (${name}): a snapshot older than the merge reach bounds the log, across a restart (S11); 'newest' loads the newest`, async () => {
    const { storage, reopen } = await fresh(engine);
    await withSession(storage, 's1', 30);
    await storage.sessions.saveSnapshot('s1', { version: 25, state: { hp: 25 } }, 15, 0);
    const second = await reopen();
    const loaded = await second.sessions.loadSession('s1');
    assert.ok(loaded);
    assert.deepEqual(loaded.meta, { id: 's1', hostId: 'host-1', createdAt: 1000 });
    assert.deepEqual(loaded.snapshot, { version: 0, state: {} }, 'no snapshot at or before version 15: the log still starts at 0');
    assert.equal(loaded.log.length, 30);
    assert.deepEqual(loaded.log[0], entry(1));
    assert.deepEqual((await second.sessions.loadSession('s1', 'newest'))?.log.map((e) => e.version), [26, 27, 28, 29, 30]);

    await second.sessions.saveSnapshot('s1', { version: 28, state: { hp: 28 } }, 26, 0);
    const pruned = await second.sessions.loadSession('s1');
    assert.deepEqual(pruned?.snapshot, { version: 25, state: { hp: 25 } }, 'the newest snapshot at or before 26 is the base');
    assert.deepEqual(pruned?.log.map((e) => e.version), [26, 27, 28, 29, 30]);
    const newest = await second.sessions.loadSession('s1', 'newest');
    assert.deepEqual(newest?.snapshot, { version: 28, state: { hp: 28 } });
    assert.deepEqual(newest?.log.map((e) => e.version), [29, 30]);
    await second.sessions.close();
  });

  it(`K4b (${name}): the head version of each session asked that has a log, after a snapshot pruned the log too`, async () => {
    const { storage } = await fresh(engine);
    const { sessions } = storage;
    await withSession(storage, 'a', 3);
    await withSession(storage, 'b', 12);
    await sessions.createSession({ id: 'empty', hostId: 'host-1', createdAt: 1000 });
    await sessions.saveSnapshot('b', { version: 12, state: { hp: 12 } }, 10, 0);
    const heads = await sessions.headVersions(['a', 'b', 'empty', 'unknown']);
    assert.deepEqual([...heads].sort(), [['a', 3], ['b', 12]]);
    await sessions.appendUpdates('a', [{ entry: entry(4) }]);
    assert.deepEqual([...(await sessions.headVersions(['a']))], [['a', 4]]);
    assert.deepEqual([...(await sessions.headVersions([]))], []);
    await sessions.close();
  });

  it(`K4 (${name}): one history: a version appended already is refused with version-taken, and of racing appends one wins`, async () => {
    const { storage } = await fresh(engine);
    const { sessions } = storage;
    await withSession(storage, 's', 2);
    await rejectsWith(sessions.appendUpdates('s', [{ entry: { ...entry(2), crc: 99, updateId: 'late-1' } }]), 'version-taken');
    // two writers (two nodes) append version 3 at once, each with the update it applied
    const racing = await Promise.allSettled(
      ['x', 'y'].map((who) => sessions.appendUpdates('s', [{ entry: { ...entry(3), updateId: `${who}-1` }, applied: { userId: who, clientKey: who, seq: 1, version: 3 } }])),
    );
    assert.deepEqual(racing.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    const lost = racing.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.ok(lost?.reason instanceof StorageError && lost.reason.code === 'version-taken', String(lost?.reason));
    const loaded = await sessions.loadSession('s');
    assert.deepEqual(loaded?.log.map((e) => e.version), [1, 2, 3]);
    assert.deepEqual(loaded?.log[1], entry(2), 'the refused append changed nothing');
    const winner = loaded?.log[2]?.updateId?.slice(0, 1);
    assert.deepEqual(loaded?.applied.map((a) => a.userId), [winner], "the loser's applied record was not kept either");
    await rejectsWith(sessions.appendUpdates('missing', [{ entry: entry(1) }]), 'storage-failed', 'a session that does not exist');
    await sessions.close();
  });

  it(`K5 (${name}): removes sessions unused since a cutoff with their log and table data, sparing those asked; closed, it refuses (and ping fails)`, async () => {
    const { storage } = await fresh(engine);
    const { sessions, tableStores } = storage;
    for (const id of ['old', 'kept', 'loaded']) {
      await withSession(storage, id, 3);
      await tableStores.layers.savePage(id, { pdfId: 'b', pageNum: 1, revision: 1, layers: { id } });
      for (const pdf of ['shared', `only-${id}`]) await tableStores.pdfs.addPdf(id, { id: pdf, name: 'b.pdf', size: 10, sha256: pdf, addedBy: 'h', addedAt: 5 });
      await tableStores.views.saveView(id, { pdfId: 'b', currentPage: 1, scale: 1 });
    }
    const removed = await sessions.removeUnusedSince(Date.now() + 1, new Set(['loaded']));
    // as Housekeeping does: the engines that keep table data apart forget it now
    for (const dependent of storage.dependents) await dependent.removeSessions(removed);
    assert.deepEqual(removed.sort(), ['kept', 'old']);
    assert.equal(await sessions.loadSession('old'), null);
    assert.deepEqual(await tableStores.layers.loadPages('old'), []);
    assert.deepEqual(await tableStores.pdfs.listPdfs('old'), []);
    assert.equal(await tableStores.views.loadView('old'), null);
    assert.equal((await sessions.loadSession('loaded'))?.log.length, 3);
    assert.equal((await tableStores.layers.loadPages('loaded')).length, 1);
    assert.equal((await tableStores.pdfs.listPdfs('loaded')).length, 2);
    if ('isReferenced' in tableStores.pdfs) {
      const references = tableStores.pdfs as PdfStore & PdfReferences;
      assert.equal(references.isReferenced('only-old'), false);
      assert.equal(references.isReferenced('shared'), true, 'still named by the session kept');
    }
    assert.deepEqual(await sessions.removeUnusedSince(0, new Set()), []);
    if (engine.cascades) {
      // a page of a session that no longer exists is refused, not stored apart from any session
      await rejectsWith(tableStores.layers.savePage('old', { pdfId: 'b', pageNum: 1, revision: 1, layers: {} }), 'storage-failed');
    }
    await sessions.ping();
    await sessions.close();
    await rejectsWith(sessions.appendUpdates('loaded', [{ entry: entry(4) }]), 'storage-closed');
    await rejectsWith(sessions.ping(), 'storage-closed', 'a closed store does not pass for healthy');
  });

  it(`K6 (${name}): appends to many sessions at once all commit, each resolved once stored`, async () => {
    const { storage, reopen } = await fresh(engine);
    const ids = Array.from({ length: 20 }, (_, i) => `s${i}`);
    await Promise.all(ids.map((id) => storage.sessions.createSession({ id, hostId: 'h', createdAt: 1 })));
    await Promise.all(ids.map((id) => storage.sessions.appendUpdates(id, [{ entry: entry(1) }])));
    await Promise.all(ids.map((id) => storage.sessions.appendUpdates(id, [{ entry: entry(2) }])));
    const reopened = await reopen();
    for (const id of ids) assert.deepEqual((await reopened.sessions.loadSession(id))?.log.map((e) => e.version), [1, 2]);
    await reopened.sessions.close();
  });

  it(`K13 (${name}): a batch of consecutive updates is appended whole, with the last applied update per client; one version taken keeps none of it`, async () => {
    const { storage, reopen } = await fresh(engine);
    const { sessions } = storage;
    await withSession(storage, 's', 1);
    const applied = (who: string, seq: number, version: number) => ({ userId: who, clientKey: who, seq, version });
    await sessions.appendUpdates('s', [
      { entry: { ...entry(2), updateId: 'a-1' }, applied: applied('a', 1, 2) },
      { entry: entry(3) },
      { entry: { ...entry(4), updateId: 'a-2' }, applied: applied('a', 2, 4) },
      { entry: { ...entry(5), updateId: 'b-9' }, applied: applied('b', 9, 5) },
    ]);
    // versions 6 and 7 are new, 5 is taken: nothing of the batch is kept, not even what comes before it
    const overlapping = [6, 7, 5].map((v) => ({ entry: { ...entry(v), crc: 99, updateId: `c-${v}` }, applied: applied('c', v, v) }));
    await rejectsWith(sessions.appendUpdates('s', overlapping), 'version-taken');
    const reopened = await reopen();
    const loaded = await reopened.sessions.loadSession('s');
    assert.deepEqual(loaded?.log, [entry(1), { ...entry(2), updateId: 'a-1' }, entry(3), { ...entry(4), updateId: 'a-2' }, { ...entry(5), updateId: 'b-9' }]);
    assert.deepEqual(
      loaded?.applied.sort((x, y) => x.userId.localeCompare(y.userId)),
      [applied('a', 2, 4), applied('b', 9, 5)],
      "the client's last update of the batch is its record; the refused batch's client has none",
    );
    await reopened.sessions.appendUpdates('s', [{ entry: entry(6) }, { entry: entry(7) }]);
    assert.deepEqual((await reopened.sessions.loadSession('s'))?.log.map((e) => e.version), [1, 2, 3, 4, 5, 6, 7], 'the log goes on after the refused batch');
    await reopened.sessions.close();
  });
}

/** A stream of `bytes` in pieces of `piece` bytes, as an upload arrives. */
export function streamOf(bytes: Buffer, piece = 64 * 1024): Readable {
  return Readable.from(Array.from({ length: Math.ceil(bytes.length / piece) }, (_, i) => bytes.subarray(i * piece, (i + 1) * piece)));
}
