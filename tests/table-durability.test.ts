import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { encodeBinary } from '../shared/binary-codec';
import type { PdfData } from '../shared/layers-protocol';
import { PdfFiles } from '../server/storage/files/pdf-files';
import { request, startTestServer, type TestServer } from './support/harness';
import { closeAll, join, minimalPdf, player, tableOf, uploadPdf, type Player } from './support/table';
import { tempDir } from './support/temp-dir';

const SQLITE = { STORAGE: 'sqlite', SESSION_IDLE_SECONDS: '0.05', HOUSEKEEPING_SECONDS: '3600' };
const DAY_S = 24 * 60 * 60;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function upload(server: TestServer, sessionId: string, host: Player, book: Buffer): Promise<PdfData> {
  const response = await uploadPdf(server.url, sessionId, host.token, book);
  assert.equal(response.status, 201);
  return (await response.json()) as PdfData;
}

async function layers(someone: Player, pdfId: string, pageNum: number, value: object, baseRevision?: number): Promise<number> {
  const ack = await request(someone.socket, 'update-layers', encodeBinary({ pdfId, pageNum, layers: value, baseRevision }));
  assert.ok(ack.ok, JSON.stringify(ack));
  return ack.revision as number;
}

async function pdfFiles(server: TestServer): Promise<string[]> {
  return (await readdir(path.join(server.dataDir, 'pdfs'))).filter((name) => name.endsWith('.pdf')).sort();
}

/** What the database holds for a session, read through a connection of its own. */
function rowsOf(dataDir: string, sessionId: string): { layers: number; pdfs: number } {
  const db = new BetterSqlite3(path.join(dataDir, 'gamebook.sqlite'), { readonly: true });
  try {
    const count = (table: string) =>
      (db.prepare(`SELECT count(*) AS n FROM ${table} WHERE session_id = ?`).get(sessionId) as { n: number }).n;
    return { layers: count('layers'), pdfs: count('pdfs') };
  } finally {
    db.close();
  }
}

describe('layers, PDFs and the page view in SQLite', () => {
  it('T1: survive a restart: a late joiner gets the same layers, revisions, PDFs and view, and can read the PDF', async (t) => {
    const dataDir = await tempDir('gamebook-table-');
    let server = await startTestServer({ ...SQLITE, DATA_DIR: dataDir });
    t.after(() => server.stop());
    const { sessionId, players } = await tableOf(server.url, 'host', 'p1');
    const [host, p1] = players as [Player, Player];
    const book = minimalPdf('T1');
    const pdf = await upload(server, sessionId, host, book);
    await layers(host, pdf.id, 1, { tokens: [{ id: 't1', x: 1 }, { id: 't2', x: 2 }] });
    await layers(host, pdf.id, 1, { tokens: [{ id: 't1', x: 5 }, { id: 't2', x: 2 }] }, 1);
    // made from revision 1: merged with the host's edit
    assert.equal(await layers(p1, pdf.id, 1, { tokens: [{ id: 't1', x: 1 }, { id: 't2', x: 9 }] }, 1), 3);
    await layers(p1, 'own-book', 7, { drawings: [{ id: 'd1', path: 'M0 0 L1 1' }] });
    const view = { pdfId: pdf.id, currentPage: 12, scale: 1.5 };
    assert.deepEqual(await request(host.socket, 'navigate-page', { pdfId: pdf.id, currentPage: 2, scale: 1 }), { ok: true });
    assert.deepEqual(await request(p1.socket, 'navigate-page', view), { ok: true });
    const before = await join(await player(server.url, 'witness'), sessionId);
    closeAll(players);
    await server.stop();

    // a file no record names (as a crash between file and record leaves it) goes at the next start
    const orphan = minimalPdf('never recorded');
    await writeFile(path.join(dataDir, 'pdfs', `${sha256(orphan)}.pdf`), orphan);
    server = await startTestServer({ ...SQLITE, DATA_DIR: dataDir });
    assert.deepEqual(await pdfFiles(server), [`${pdf.sha256}.pdf`], 'the orphan is gone, the recorded book stays');

    const late = await player(server.url, 'late');
    const full = await join(late, sessionId);
    assert.deepEqual(full.layers, {
      [pdf.id]: { 1: { tokens: [{ id: 't1', x: 5 }, { id: 't2', x: 9 }] } },
      'own-book': { 7: { drawings: [{ id: 'd1', path: 'M0 0 L1 1' }] } },
    });
    assert.deepEqual(full.layerRevisions, { [pdf.id]: { 1: 3 }, 'own-book': { 7: 1 } });
    assert.deepEqual(full.pdfs, [pdf]);
    assert.deepEqual(full.view, view);
    for (const key of ['layers', 'layerRevisions', 'pdfs', 'view'] as const) assert.deepEqual(full[key], before[key], key);

    const download = await fetch(`${server.url}${pdf.url}`, { headers: { authorization: `Bearer ${late.token}` } });
    assert.equal(download.status, 200);
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), book);
    // revisions continue where they were
    assert.equal(await layers(late, pdf.id, 1, { tokens: [] }, 3), 4);
    closeAll([late]);
  });

  it('T2: expiry removes layers, PDF records and files no session uses; a book another session has stays', async (t) => {
    const server = await startTestServer({ ...SQLITE, SESSION_TTL_DAYS: String(0.4 / DAY_S) });
    t.after(() => server.stop());
    const shared = minimalPdf('shared book');
    const own = minimalPdf('only the old session');
    const old = await tableOf(server.url, 'old host');
    const [oldHost] = old.players as [Player];
    for (const book of [shared, own]) await upload(server, old.sessionId, oldHost, book);
    await layers(oldHost, sha256(own), 1, { tokens: [{ id: 't', x: 1 }] });
    await request(oldHost.socket, 'navigate-page', { pdfId: sha256(own), currentPage: 1, scale: 1 });
    const kept = await tableOf(server.url, 'kept host');
    const [keptHost] = kept.players as [Player];
    await upload(server, kept.sessionId, keptHost, shared);
    assert.deepEqual(rowsOf(server.dataDir, old.sessionId), { layers: 1, pdfs: 2 });
    closeAll(old.players);
    await pause(600);

    const { expired } = await server.housekeeping.sweep();
    assert.deepEqual(expired, [old.sessionId]);
    assert.deepEqual(rowsOf(server.dataDir, old.sessionId), { layers: 0, pdfs: 0 });
    assert.deepEqual(await pdfFiles(server), [`${sha256(shared)}.pdf`]);
    const download = await fetch(`${server.url}/api/sessions/${kept.sessionId}/pdfs/${sha256(shared)}`, {
      headers: { authorization: `Bearer ${keptHost.token}` },
    });
    assert.equal(download.status, 200);
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), shared);
    closeAll(kept.players);
  });

  it('T3: the collector spares a file an upload holds until its record is stored, and one a record names', async () => {
    // the records that name files: what the test sets, as a PDF store would after a commit
    const named = new Set<string>();
    const files = new PdfFiles(await tempDir('gamebook-files-'), { isReferenced: (sha) => named.has(sha) });
    await files.init();
    const book = minimalPdf('T3');
    const saved = await files.save(Readable.from([book]));
    assert.deepEqual(await files.removeUnreferenced(), [], 'pinned by its upload');
    saved.release();
    named.add(saved.sha256);
    assert.deepEqual(await files.removeUnreferenced(), [], 'named by a record');
    named.delete(saved.sha256);
    assert.deepEqual(await files.removeUnreferenced(), [saved.sha256]);
    await assert.rejects(readFile(files.pathOf(saved.sha256)), { code: 'ENOENT' });
    // two uploads of one book: the file is held until both released
    const first = await files.save(Readable.from([book]));
    const second = await files.save(Readable.from([book]));
    first.release();
    first.release();
    assert.deepEqual(await files.removeUnreferenced(), [], 'still held by the second upload');
    second.release();
    assert.deepEqual(await files.removeUnreferenced(), [sha256(book)]);
  });
});
