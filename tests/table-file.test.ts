import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PdfData, PdfRemoved } from '../shared/layers-protocol';
import { IMPORT_PROGRESS_MEDIA_TYPE, TABLE_FILE_MEDIA_TYPE, type ImportedTable, type ImportLine, type TableFileLink } from '../shared/table-file';
import { nextEvent, request, startTestServer, type TestServer } from './support/harness';
import { closeAll, join, minimalPdf, player, tableOf, uploadPdf, type Player } from './support/table';

const MAX_STATE_BYTES = 64 * 1024;

describe('a table as one file: export, import, removing a book (SQLite)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ STORAGE: 'sqlite', MAX_STATE_BYTES: String(MAX_STATE_BYTES), MAX_SESSION_LAYER_BYTES: String(64 * 1024) });
  });
  after(() => server.stop());

  const bearer = (someone: Player) => ({ authorization: `Bearer ${someone.token}` });
  const exportOf = (sessionId: string, someone: Player) => fetch(`${server.url}/api/sessions/${sessionId}/export`, { headers: bearer(someone) });
  const importAs = (someone: Player, body: Uint8Array, type = TABLE_FILE_MEDIA_TYPE) =>
    fetch(`${server.url}/api/tables/import`, { method: 'POST', headers: { ...bearer(someone), 'content-type': type }, body: new Uint8Array(body) });
  const storedPdfs = async () => (await readdir(path.join(server.dataDir, 'pdfs'))).filter((name) => name.endsWith('.pdf')).sort();
  const errorCode = async (response: Response) => ((await response.json()) as { error: { code: string } }).error.code;

  /** A table with state, dice, two books, layers on pages of both, and a view. */
  async function furnishedTable(title: string) {
    const { sessionId, players } = await tableOf(server.url, 'host', 'guest');
    const [host] = players as [Player, Player];
    const books: PdfData[] = [];
    for (const note of [`${title} one`, `${title} two`]) books.push((await (await uploadPdf(server.url, sessionId, host.token, minimalPdf(note, 5000), `${note}.pdf`)).json()) as PdfData);
    const [one, two] = books as [PdfData, PdfData];
    const updated = await request(host.socket, 'update-game-state', { updates: { notes: [{ id: 'n1', text: 'turn to 212', author: 'host' }], counters: [{ id: 'c1', label: 'Endurance', value: 18 }] } });
    assert.equal(updated.ok, true);
    assert.equal((await request(host.socket, 'roll-dice', { expression: '2d6' })).ok, true);
    assert.equal((await host.table.updateLayers(one.id, 1, { strokes: [{ id: 's1', points: [[1, 2]] }], tokens: [] })).ok, true);
    assert.equal((await host.table.updateLayers(two.id, 1, { strokes: [], tokens: [{ id: 't1', x: 3, y: 4, label: 'Wolf' }] })).ok, true);
    host.table.navigate({ pdfId: two.id, currentPage: 1, scale: 1.5 });
    await nextEvent(players[1]!.socket, 'page-navigated');
    return { sessionId, players, books };
  }

  it('X1: a member exports the table; importing the file makes a new table with the same CRC, state, layers, books and view', async () => {
    const { sessionId, players, books } = await furnishedTable('X1');
    const [host, guestPlayer] = players as [Player, Player];
    const exported = await exportOf(sessionId, guestPlayer);
    assert.equal(exported.status, 200);
    assert.equal(exported.headers.get('content-type'), TABLE_FILE_MEDIA_TYPE);
    const file = new Uint8Array(await exported.arrayBuffer());
    const original = await join(host, sessionId);

    const newcomer = await player(server.url, 'newcomer');
    const answer = await importAs(newcomer, file);
    assert.equal(answer.status, 201);
    const imported = (await answer.json()) as ImportedTable;
    assert.notEqual(imported.sessionId, sessionId);
    assert.equal(imported.crc, original.crc);

    const copy = await join(newcomer, imported.sessionId);
    assert.equal(copy.crc, original.crc);
    assert.deepEqual(copy.state, original.state);
    assert.deepEqual(copy.layers, original.layers);
    assert.deepEqual(copy.view, original.view);
    assert.deepEqual(copy.pdfs.map(({ name, size, sha256 }) => ({ name, size, sha256 })), books.map(({ name, size, sha256 }) => ({ name, size, sha256 })));
    for (const pdf of copy.pdfs) {
      const bytes = await fetch(`${server.url}${pdf.url}`, { headers: bearer(newcomer) });
      assert.deepEqual(Buffer.from(await bytes.arrayBuffer()), minimalPdf(pdf.name.replace('.pdf', ''), 5000));
    }
    // the importer is the new table's host: they may add books there
    assert.equal((await uploadPdf(server.url, imported.sessionId, newcomer.token, minimalPdf('third'))).status, 201);
    closeAll([...players, newcomer]);
  });

  it('X2: bad files and bad requests are refused with a stable code and leave no book behind', async () => {
    const { sessionId, players } = await furnishedTable('X2');
    const [host] = players as [Player, Player];
    const file = Buffer.from(await (await exportOf(sessionId, host)).arrayBuffer());
    const stranger = await player(server.url, 'stranger');
    assert.equal(await errorCode(await exportOf(sessionId, stranger)), 'not-in-session');
    assert.equal((await fetch(`${server.url}/api/sessions/${sessionId}/export`)).status, 401);

    const before = await storedPdfs();
    const headerEnd = file.indexOf(0x0a);
    const damaged = Buffer.from(file);
    damaged[damaged.length - 10] = (damaged[damaged.length - 10] ?? 0) ^ 0xff;
    const cases: Array<[string, Uint8Array, string, number]> = [
      ['a book whose bytes changed', damaged, 'invalid-payload', 400],
      ['a file cut in the middle of a book', file.subarray(0, file.length - 100), 'invalid-payload', 400],
      ['bytes after the last book', Buffer.concat([file, Buffer.from('x')]), 'invalid-payload', 400],
      ['not JSON', Buffer.from('%PDF-1.4 hello\n'), 'invalid-payload', 400],
      ['another version', Buffer.concat([Buffer.from(file.subarray(0, headerEnd).toString().replace('"version":1', '"version":99')), file.subarray(headerEnd)]), 'invalid-payload', 400],
      ['a state over MAX_STATE_BYTES', Buffer.from(`${JSON.stringify({ format: 'gamebook-studio-table', version: 1, exportedAt: 0, state: { big: 'x'.repeat(MAX_STATE_BYTES) }, crc: 0, view: null, pages: [], pdfs: [] })}\n`), 'too-large', 413],
      ['a header with no end', Buffer.alloc(2 * 1024 * 1024, 0x20), 'too-large', 413],
    ];
    for (const [what, body, code, status] of cases) {
      const answer = await importAs(stranger, body);
      assert.equal(answer.status, status, what);
      assert.equal(await errorCode(answer), code, what);
    }
    assert.equal(await errorCode(await importAs(stranger, file, 'application/json')), 'unsupported-media-type');
    const anonymous = await fetch(`${server.url}/api/tables/import`, { method: 'POST', headers: { 'content-type': TABLE_FILE_MEDIA_TYPE }, body: file });
    assert.equal(anonymous.status, 401);
    assert.deepEqual(await storedPdfs(), before);
    // and the server still serves: the good file imports
    assert.equal((await importAs(stranger, file)).status, 201);
    closeAll([...players, stranger]);
  });

  it('X3: the host removes a book: its layers go with it for everyone, a player may not, and its bytes are collected', async () => {
    const { sessionId, players, books } = await furnishedTable('X3');
    const [host, guestPlayer] = players as [Player, Player];
    const [one, two] = books as [PdfData, PdfData];
    const remove = (someone: Player, pdfId: string) => fetch(`${server.url}/api/sessions/${sessionId}/pdfs/${pdfId}`, { method: 'DELETE', headers: bearer(someone) });
    // the same first book in a second table keeps its bytes
    const other = await tableOf(server.url, 'other host');
    await uploadPdf(server.url, other.sessionId, other.players[0]!.token, minimalPdf('X3 one', 5000), 'X3 one.pdf');

    assert.equal(await errorCode(await remove(guestPlayer, two.id)), 'not-host');
    assert.equal(await errorCode(await remove(host, 'no-such-book')), 'not-found');
    const removed = nextEvent<PdfRemoved>(guestPlayer.socket, 'pdf-removed');
    assert.equal((await remove(host, two.id)).status, 204);
    assert.deepEqual(await removed, { pdfId: two.id });
    assert.deepEqual(guestPlayer.table.pdfs.map((pdf) => pdf.id), [one.id]);
    assert.equal(guestPlayer.table.layersOf(two.id, 1), undefined);
    assert.equal(guestPlayer.table.view, null);
    assert.equal((await remove(host, one.id)).status, 204);

    const late = await player(server.url, 'late');
    const full = await join(late, sessionId);
    assert.deepEqual(full.pdfs, []);
    assert.deepEqual(full.layers, {});
    assert.equal(full.view, null);
    const files = await storedPdfs();
    assert.ok(files.includes(`${one.sha256}.pdf`), 'a book another table holds stays');
    assert.ok(!files.includes(`${two.sha256}.pdf`), 'a book no table holds is collected');
    closeAll([...players, ...other.players, late]);
  });
  it('X6: an edit on a page of a book that reaches the table after the book was removed is refused not-found; the book added again starts with no layers', async () => {
    const { sessionId, players, books } = await furnishedTable('X6');
    const [host, guestPlayer] = players as [Player, Player];
    const [, two] = books as [PdfData, PdfData];
    const removed = await fetch(`${server.url}/api/sessions/${sessionId}/pdfs/${two.id}`, { method: 'DELETE', headers: bearer(host) });
    assert.equal(removed.status, 204);
    // sent before the guest heard of the removal: the page it draws on is gone with its book
    const late = await guestPlayer.table.updateLayers(two.id, 1, { strokes: [{ id: 'late', points: [[5, 6]] }], tokens: [] });
    assert.deepEqual(late.ok ? late : late.error.code, 'not-found');
    const again = (await (await uploadPdf(server.url, sessionId, host.token, minimalPdf('X6 two', 5000), 'X6 two.pdf')).json()) as PdfData;
    assert.equal(again.id, two.id, 'the same bytes, the same book');
    const newcomer = await player(server.url, 'newcomer');
    const full = await join(newcomer, sessionId);
    assert.equal(full.layers[two.id], undefined, 'neither the removed layers nor the late edit came back with the book');
    assert.equal((await guestPlayer.table.updateLayers(two.id, 1, { strokes: [{ id: 'new', points: [[7, 8]] }], tokens: [] })).ok, true, 'the book added again takes edits');
    closeAll([...players, newcomer]);
  });

  it('X4: a member gets a short-lived export link the browser downloads by itself; it opens that table\'s export only', async () => {
    const { sessionId, players, books } = await furnishedTable('X4');
    const [host, guestPlayer] = players as [Player, Player];
    const other = await tableOf(server.url, 'other host');
    const linkOf = (id: string, someone: Player) => fetch(`${server.url}/api/sessions/${id}/export-link`, { method: 'POST', headers: bearer(someone) });
    assert.equal(await errorCode(await linkOf(other.sessionId, guestPlayer)), 'not-in-session', 'no link to a table one is not at');
    assert.equal((await fetch(`${server.url}/api/sessions/${sessionId}/export-link`, { method: 'POST' })).status, 401);
    const link = (await (await linkOf(sessionId, guestPlayer)).json()) as TableFileLink;
    assert.match(link.url, new RegExp(`^/api/sessions/${sessionId}/export\\?access=`));
    assert.ok(link.expiresAt > Date.now());

    const byLink = await fetch(`${server.url}${link.url}`);
    assert.equal(byLink.status, 200, 'no header needed');
    assert.match(byLink.headers.get('content-disposition') ?? '', /^attachment; filename="table-/);
    const viaLink = Buffer.from(await byLink.arrayBuffer());
    const viaHeader = Buffer.from(await (await exportOf(sessionId, guestPlayer)).arrayBuffer());
    const headerOf = (file: Buffer) => ({ ...JSON.parse(file.subarray(0, file.indexOf(10)).toString()), exportedAt: 0 });
    assert.deepEqual(headerOf(viaLink), headerOf(viaHeader), 'the same file as with the header');
    assert.equal(viaLink.length, viaHeader.length);

    const access = new URL(link.url, server.url).searchParams.get('access')!;
    const elsewhere = await fetch(`${server.url}/api/sessions/${other.sessionId}/export?access=${encodeURIComponent(access)}`);
    assert.equal(await errorCode(elsewhere), 'unauthorized', "the link does not open another table's export");
    const asPdf = await fetch(`${server.url}/api/sessions/${sessionId}/pdfs/${books[0]!.id}?access=${encodeURIComponent(access)}`);
    assert.equal(await errorCode(asPdf), 'unauthorized', 'nor a book of this table');
    const forged = await fetch(`${server.url}/api/sessions/${sessionId}/export?access=${encodeURIComponent(access.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')))}`);
    assert.equal(forged.status, 401);
    closeAll([host, guestPlayer, ...other.players]);
  });

  it('X5: an import asked for its progress answers each step as a line: every book stored and checked, the table made, then the table', async () => {
    const { sessionId, players } = await furnishedTable('X5');
    const file = new Uint8Array(await (await exportOf(sessionId, players[0]!)).arrayBuffer());
    const newcomer = await player(server.url, 'newcomer');
    const withProgress = (body: Uint8Array) =>
      fetch(`${server.url}/api/tables/import`, { method: 'POST', headers: { ...bearer(newcomer), 'content-type': TABLE_FILE_MEDIA_TYPE, accept: IMPORT_PROGRESS_MEDIA_TYPE }, body: new Uint8Array(body) });
    const answer = await withProgress(file);
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('content-type'), IMPORT_PROGRESS_MEDIA_TYPE);
    const lines = (await answer.text()).trim().split('\n').map((line) => JSON.parse(line) as ImportLine);
    const imported = lines.at(-1) as { imported: ImportedTable };
    assert.deepEqual(lines.slice(0, -1), [{ step: 'book', done: 1, of: 2 }, { step: 'book', done: 2, of: 2 }, { step: 'table' }]);
    const original = await join(players[0]!, sessionId);
    assert.equal(imported.imported.crc, original.crc);
    assert.equal((await join(newcomer, imported.imported.sessionId)).crc, original.crc);
    // a refusal after the answer began comes as its last line, and makes no table
    const damaged = file.slice();
    const at = damaged.length - 10;
    damaged[at] = damaged[at]! ^ 0xff;
    const refused = (await (await withProgress(damaged)).text()).trim().split('\n').map((line) => JSON.parse(line) as ImportLine);
    const last = refused.at(-1) as { error: { code: string; message: string } };
    assert.equal(last.error.code, 'invalid-payload');
    assert.match(last.error.message, /SHA-256/);
    assert.ok(!refused.some((line) => 'step' in line && line.step === 'table'), 'no table made');
    closeAll([...players, newcomer]);
  });
});
