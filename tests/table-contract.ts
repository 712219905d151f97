import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { it } from 'node:test';
import type { PdfReferences } from '../server/storage/pdf-bytes';
import type { Storage } from '../server/storage/open-store';
import type { PdfStore } from '../server/storage/pdf-store';
import { ProtocolError } from '../shared/errors';
import { entry, fresh, rejectsWith, streamOf, withSession } from './store-contract';
import type { StoreEngine } from './support/store-engines';

const record = (id: string, name = `${id}.pdf`) => ({ id, name, size: 10, sha256: id, addedBy: 'host-1', addedAt: 5 });
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A PDF as far as the stores look: its magic, then `size` bytes in all. */
function pdfBytesOf(size: number): Buffer {
  return Buffer.concat([Buffer.from('%PDF-1.7\n', 'latin1'), randomBytes(size - 9)]);
}

/** The memory and SQLite PDF stores also tell without waiting which files they name. */
function references(pdfs: PdfStore): PdfReferences | undefined {
  return 'isReferenced' in pdfs ? (pdfs as PdfStore & PdfReferences) : undefined;
}

async function read(storage: Storage, sha: string, start: number, end: number): Promise<Buffer> {
  return buffer(storage.pdfBytes.read(sha, start, end));
}

/** What the layer, PDF and view stores and the PDF bytes must do, whatever keeps them (K7 to K10). */
export function tableContract(engine: StoreEngine): void {
  const name = engine.name;

  it(`K7 (${name}): keeps the newest revision of each page, PDFs in the order added, and the last view across a restart`, async () => {
    const { storage, reopen } = await fresh(engine);
    const { layers, pdfs, views } = storage.tableStores;
    await storage.sessions.createSession({ id: 's', hostId: 'host-1', createdAt: 1 });
    // written together: SQLite commits them in one group, PostgreSQL on several connections
    await Promise.all([
      layers.savePage('s', { pdfId: 'a', pageNum: 9, revision: 1, layers: [] }),
      pdfs.addPdf('s', record('zz')),
      views.saveView('s', { pdfId: 'b', currentPage: 3, scale: 1 }),
    ]);
    await layers.savePage('s', { pdfId: 'b', pageNum: 2, revision: 1, layers: { tokens: [{ id: 't', x: 1 }] } });
    await layers.savePage('s', { pdfId: 'b', pageNum: 2, revision: 2, layers: { tokens: [{ id: 't', x: 2 }] } });
    await pdfs.addPdf('s', record('aa', 'Über 🐉.pdf'));
    await views.saveView('s', { pdfId: 'b', currentPage: 4, scale: 2.5 });

    const reopened = (await reopen()).tableStores;
    assert.deepEqual(await reopened.layers.loadPages('s'), [
      { pdfId: 'a', pageNum: 9, revision: 1, layers: [] },
      { pdfId: 'b', pageNum: 2, revision: 2, layers: { tokens: [{ id: 't', x: 2 }] } },
    ]);
    assert.deepEqual(await reopened.pdfs.listPdfs('s'), [record('zz'), record('aa', 'Über 🐉.pdf')]);
    assert.deepEqual(await reopened.views.loadView('s'), { pdfId: 'b', currentPage: 4, scale: 2.5 });
    assert.deepEqual(await reopened.layers.loadPages('unknown'), []);
    assert.deepEqual(await reopened.pdfs.listPdfs('unknown'), []);
    assert.equal(await reopened.views.loadView('unknown'), null);
    const synchronous = references(reopened.pdfs);
    if (synchronous) {
      assert.equal(synchronous.isReferenced('aa'), true);
      assert.equal(synchronous.isReferenced('bb'), false);
    }
  });

  it(`K7b (${name}): removing a book removes its record and its pages' layers, and nothing of other books or tables`, async () => {
    const { storage, reopen } = await fresh(engine);
    const { layers, pdfs } = storage.tableStores;
    for (const id of ['s', 'other']) {
      await storage.sessions.createSession({ id, hostId: 'host-1', createdAt: 1 });
      for (const pdf of ['gone', 'kept']) {
        await pdfs.addPdf(id, record(pdf));
        for (const pageNum of [1, 2]) await layers.savePage(id, { pdfId: pdf, pageNum, revision: 1, layers: [] });
      }
    }
    await pdfs.removePdf('s', 'gone');
    await pdfs.removePdf('s', 'never-added');
    await pdfs.removePdf('no-such-table', 'gone');
    const reopened = (await reopen()).tableStores;
    assert.deepEqual(await reopened.pdfs.listPdfs('s'), [record('kept')]);
    assert.deepEqual((await reopened.layers.loadPages('s')).map((page) => `${page.pdfId}/${page.pageNum}`), ['kept/1', 'kept/2']);
    assert.deepEqual(await reopened.pdfs.listPdfs('other'), [record('gone'), record('kept')]);
    assert.equal((await reopened.layers.loadPages('other')).length, 4);
    assert.equal(references(reopened.pdfs)?.isReferenced('gone') ?? true, true, 'another table still names it');
  });

  it(`K7c (${name}): a page revision is stored only onto the one before it: of two writers of one revision one wins, the other gets revision-taken`, async () => {
    const { storage, reopen } = await fresh(engine);
    const { layers } = storage.tableStores;
    await storage.sessions.createSession({ id: 's', hostId: 'host-1', createdAt: 1 });
    const page = (revision: number, by: string) => ({ pdfId: 'p', pageNum: 1, revision, layers: { strokes: [by] } });
    // two nodes writing the first revision of one page at the same moment
    const first = await Promise.allSettled([layers.savePage('s', page(1, 'a')), layers.savePage('s', page(1, 'b'))]);
    assert.deepEqual(first.map((result) => result.status).sort(), ['fulfilled', 'rejected'], 'one of the two is stored');
    const lost = first.find((result) => result.status === 'rejected');
    assert.equal((lost as PromiseRejectedResult).reason.code, 'revision-taken');
    // the same for a later revision, and a revision that skips one is refused too
    const second = await Promise.allSettled([layers.savePage('s', page(2, 'c')), layers.savePage('s', page(2, 'd'))]);
    assert.deepEqual(second.map((result) => result.status).sort(), ['fulfilled', 'rejected']);
    await rejectsWith(layers.savePage('s', page(4, 'skip')), 'revision-taken', 'revision 3 is not stored');
    await rejectsWith(layers.savePage('s', page(2, 'late')), 'revision-taken', 'revision 2 is stored already');
    await layers.savePage('s', page(3, 'e'));
    const stored = await (await reopen()).tableStores.layers.loadPages('s');
    assert.deepEqual(stored, [page(3, 'e')]);
  });

  it(`K7d (${name}): a page of a removed book is refused pdf-removed and never loaded, across a restart; the book added again takes pages from revision 1`, async () => {
    const { storage, reopen } = await fresh(engine);
    const { layers, pdfs } = storage.tableStores;
    for (const id of ['s', 'other']) {
      await storage.sessions.createSession({ id, hostId: 'host-1', createdAt: 1 });
      await pdfs.addPdf(id, record('book'));
      await layers.savePage(id, { pdfId: 'book', pageNum: 1, revision: 1, layers: { by: id } });
    }
    await pdfs.removePdf('s', 'book');
    // what a node that has not heard of the removal writes: the next revision of a page it holds, a first one of another
    await rejectsWith(layers.savePage('s', { pdfId: 'book', pageNum: 1, revision: 2, layers: {} }), 'pdf-removed');
    await rejectsWith(layers.savePage('s', { pdfId: 'book', pageNum: 2, revision: 1, layers: {} }), 'pdf-removed');
    // the same book on another table, and a book this table never had, are not concerned
    await layers.savePage('other', { pdfId: 'book', pageNum: 1, revision: 2, layers: { by: 'other' } });
    await layers.savePage('s', { pdfId: 'loose', pageNum: 1, revision: 1, layers: {} });
    const reopened = (await reopen()).tableStores;
    const pagesOf = async (id: string) => (await reopened.layers.loadPages(id)).map((page) => `${page.pdfId}/${page.pageNum}@${page.revision}`).sort();
    assert.deepEqual(await pagesOf('s'), ['loose/1@1']);
    assert.deepEqual(await pagesOf('other'), ['book/1@2']);
    await rejectsWith(reopened.layers.savePage('s', { pdfId: 'book', pageNum: 1, revision: 1, layers: {} }), 'pdf-removed', 'still refused after a restart');
    await reopened.pdfs.addPdf('s', record('book'));
    await reopened.layers.savePage('s', { pdfId: 'book', pageNum: 1, revision: 1, layers: { again: true } });
    assert.deepEqual(await pagesOf('s'), ['book/1@1', 'loose/1@1']);
  });

  it(`K8 (${name}): PDF bytes are stored once by content and read back whole and in ranges, a large book in chunks`, async () => {
    const { storage } = await fresh(engine);
    await storage.pdfBytes.init();
    // 1.2 MB: several 256 KiB rows in PostgreSQL, ranges across their edges
    const book = pdfBytesOf(1_200_000);
    const saved = await storage.pdfBytes.save(streamOf(book, 100_000));
    assert.deepEqual({ sha256: saved.sha256, size: saved.size }, { sha256: sha256(book), size: book.length });
    saved.release();
    assert.deepEqual(await read(storage, saved.sha256, 0, book.length - 1), book);
    for (const [start, end] of [[0, 4], [262_100, 262_200], [262_144, 262_144], [500_000, 1_100_000], [book.length - 10, book.length - 1]] as const) {
      assert.deepEqual(await read(storage, saved.sha256, start, end), book.subarray(start, end + 1), `bytes ${start}-${end}`);
    }
    const again = await storage.pdfBytes.save(streamOf(book));
    assert.equal(again.sha256, saved.sha256, 'the same content, the same bytes');
    again.release();
    assert.deepEqual(await read(storage, saved.sha256, 1000, 1999), book.subarray(1000, 2000));
    await storage.sessions.close();
  });

  it(`K9 (${name}): bytes that are not a PDF are refused and leave nothing; bytes no record names are collected, named ones stay`, async () => {
    const { storage } = await fresh(engine);
    const { pdfBytes } = storage;
    await pdfBytes.init();
    await assert.rejects(pdfBytes.save(streamOf(Buffer.from('GIF89a and more'))), (error: unknown) => error instanceof ProtocolError && error.code === 'unsupported-media-type');
    assert.deepEqual(await pdfBytes.removeUnreferenced(), [], 'the refused upload left nothing to collect');
    await storage.sessions.createSession({ id: 's', hostId: 'h', createdAt: 1 });
    const [named, loose] = [pdfBytesOf(5000), pdfBytesOf(6000)];
    const kept = await pdfBytes.save(streamOf(named));
    await storage.tableStores.pdfs.addPdf('s', { ...record(kept.sha256), size: kept.size });
    kept.release();
    const unnamed = await pdfBytes.save(streamOf(loose));
    unnamed.release();
    assert.deepEqual(await pdfBytes.removeUnreferenced(), [unnamed.sha256]);
    assert.deepEqual(await read(storage, kept.sha256, 0, named.length - 1), named);
    await assert.rejects(read(storage, unnamed.sha256, 0, 10));
    // the session expires: its book goes with it
    await storage.sessions.removeUnusedSince(Date.now() + 1, new Set());
    for (const dependent of storage.dependents) await dependent.removeSessions(['s']);
    assert.deepEqual(await pdfBytes.removeUnreferenced(), [kept.sha256]);
    await storage.sessions.close();
  });

  it(`K10 (${name}): restart: a new store on the same ${engine.durable ? 'place' : 'object'} loads the same table, log, layers, PDFs and bytes`, async () => {
    const { storage, reopen } = await fresh(engine);
    await withSession(storage, 't', 12);
    await storage.sessions.saveSnapshot('t', { version: 10, state: { hp: 10 } }, 10, 0);
    for (const revision of [1, 2, 3]) await storage.tableStores.layers.savePage('t', { pdfId: 'p', pageNum: 1, revision, layers: { strokes: [[1, 2, revision]] } });
    const book = pdfBytesOf(300_000);
    await storage.pdfBytes.init();
    const saved = await storage.pdfBytes.save(streamOf(book));
    await storage.tableStores.pdfs.addPdf('t', { ...record(saved.sha256, 'book.pdf'), size: saved.size });
    saved.release();
    await storage.tableStores.views.saveView('t', { pdfId: saved.sha256, currentPage: 2, scale: 1.5 });
    const before = await storage.sessions.loadSession('t');

    const after = await reopen();
    assert.deepEqual(await after.sessions.loadSession('t'), before);
    assert.deepEqual(before?.log.map((e) => e.version), [11, 12]);
    assert.deepEqual(before?.log[1], entry(12));
    assert.deepEqual(await after.tableStores.layers.loadPages('t'), [{ pdfId: 'p', pageNum: 1, revision: 3, layers: { strokes: [[1, 2, 3]] } }]);
    assert.deepEqual((await after.tableStores.pdfs.listPdfs('t')).map((pdf) => pdf.sha256), [saved.sha256]);
    assert.deepEqual(await after.tableStores.views.loadView('t'), { pdfId: saved.sha256, currentPage: 2, scale: 1.5 });
    await after.pdfBytes.init();
    assert.deepEqual(await after.pdfBytes.removeUnreferenced(), [], 'a named book survives the collection at start');
    assert.deepEqual(await read(after, saved.sha256, 299_000, 299_999), book.subarray(299_000, 300_000));
    await after.sessions.close();
  });
}
