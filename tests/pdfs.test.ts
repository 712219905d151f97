import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import type { Request } from 'express';
import type { PdfData, PdfLink } from '../shared/layers-protocol';
import type { PdfBytes } from '../server/storage/pdf-bytes';
import { receivePdf } from '../server/table/pdf-upload';
import { eventually, nextEvent, startTestServer, type TestServer } from './support/harness';
import { closeAll, join, minimalPdf, player, tableOf, uploadPdf, type Player } from './support/table';

const MAX_PDF_BYTES = 256 * 1024;

/** Polls an async `check` until it holds. */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('PDFs over real HTTP', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ MAX_PDF_BYTES: String(MAX_PDF_BYTES) });
  });
  after(() => server.stop());

  const pdfDir = () => path.join(server.dataDir, 'pdfs');
  const storedPdfs = async () => (await readdir(pdfDir())).filter((name) => name.endsWith('.pdf')).sort();
  const tempFiles = () => readdir(path.join(pdfDir(), 'tmp'));
  const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
  const get = (url: string, headers: Record<string, string> = {}) => fetch(`${server.url}${url}`, { headers });
  const bearer = (someone: Player) => ({ authorization: `Bearer ${someone.token}` });

  it('P1: the host uploads a PDF: 201 with pdfData, pdf-added to the session, stored by its SHA-256, sent to joiners', async () => {
    const { sessionId, players } = await tableOf(server.url, 'host', 'p1');
    const [host, p1] = players as [Player, Player];
    const book = minimalPdf('P1');
    const added = nextEvent<PdfData>(p1.socket, 'pdf-added');
    const response = await uploadPdf(server.url, sessionId, host.token, book, 'C:\\books\\Lone Wolf 1.pdf');
    assert.equal(response.status, 201);
    const pdf = (await response.json()) as PdfData;
    const hash = sha256(book);
    assert.deepEqual(pdf, { id: hash, name: 'Lone Wolf 1.pdf', size: book.length, sha256: hash, url: `/api/sessions/${sessionId}/pdfs/${hash}` });
    assert.deepEqual(await added, pdf);
    assert.deepEqual(await readFile(path.join(pdfDir(), `${hash}.pdf`)), book);
    const late = await player(server.url, 'late');
    assert.deepEqual((await join(late, sessionId)).pdfs, [pdf]);
    assert.deepEqual(late.table.pdfs, [pdf]);
    closeAll([...players, late]);
  });

  it('P2: uploads by a non-host, without a token, or of something else than a PDF are refused and store nothing', async () => {
    const { sessionId, players } = await tableOf(server.url, 'host', 'p1');
    const [host, p1] = players as [Player, Player];
    const before = await storedPdfs();
    const byPlayer = await uploadPdf(server.url, sessionId, p1.token, minimalPdf('P2 player'));
    assert.equal(byPlayer.status, 403);
    assert.equal(((await byPlayer.json()) as any).error.code, 'not-host');
    const anonymous = await uploadPdf(server.url, sessionId, undefined, minimalPdf('P2 anonymous'));
    assert.equal(anonymous.status, 401);
    assert.equal(((await anonymous.json()) as any).error.code, 'unauthorized');
    // named .pdf, but its bytes are a PNG
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(1000)]);
    const notPdf = await uploadPdf(server.url, sessionId, host.token, png, 'book.pdf');
    assert.equal(notPdf.status, 415);
    assert.equal(((await notPdf.json()) as any).error.code, 'unsupported-media-type');
    const json = await fetch(`${server.url}/api/sessions/${sessionId}/pdfs`, {
      method: 'POST',
      headers: { ...bearer(host), 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(json.status, 415);
    const unknown = await uploadPdf(server.url, 'no-such-session', host.token, minimalPdf('P2 unknown'));
    assert.equal(unknown.status, 404);
    assert.deepEqual(await storedPdfs(), before);
    assert.deepEqual(await tempFiles(), []);
    closeAll(players);
  });

  it('P3: an upload over the limit gets 413 and leaves nothing behind', async () => {
    const { sessionId, players } = await tableOf(server.url, 'host');
    const [host] = players as [Player];
    const before = await storedPdfs();
    const big = minimalPdf('P3', MAX_PDF_BYTES + 10);
    const response = await uploadPdf(server.url, sessionId, host.token, big);
    assert.equal(response.status, 413);
    assert.equal(((await response.json()) as any).error.code, 'too-large');
    assert.deepEqual(await storedPdfs(), before);
    assert.deepEqual(await tempFiles(), []);
    // padding also lengthens the startxref number: measure once, then correct
    const padding = MAX_PDF_BYTES - minimalPdf('P3').length;
    const fits = minimalPdf('P3', padding - (minimalPdf('P3', padding).length - MAX_PDF_BYTES));
    assert.equal(fits.length, MAX_PDF_BYTES);
    assert.equal((await uploadPdf(server.url, sessionId, host.token, fits)).status, 201, 'a PDF of exactly the limit is taken');
    closeAll(players);
  });

  it('P10: a malformed multipart body is refused invalid-payload, stores nothing, and the server lives on', async () => {
    const { sessionId, players } = await tableOf(server.url, 'host');
    const [host] = players as [Player];
    const before = await storedPdfs();
    const pdfHead = minimalPdf('P10').subarray(0, 200).toString('latin1');
    const bodies = {
      // busboy reports the part header, then its destruction reports the form's early end
      'a part header that is not one': '--B\r\nbad header\r\n\r\n--B--\r\n',
      'a part header past busboy\'s limit': `--B\r\nContent-Disposition: form-data; name="${'n'.repeat(64 * 1024)}"\r\n\r\nx\r\n--B--\r\n`,
      'a file cut before its closing delimiter': `--B\r\nContent-Disposition: form-data; name="file"; filename="b.pdf"\r\nContent-Type: application/pdf\r\n\r\n${pdfHead}`,
    };
    for (const [what, body] of Object.entries(bodies)) {
      const response = await fetch(`${server.url}/api/sessions/${sessionId}/pdfs`, {
        method: 'POST',
        headers: { ...bearer(host), 'content-type': 'multipart/form-data; boundary=B' },
        body,
      });
      assert.equal(response.status, 400, what);
      const { error } = (await response.json()) as { error: { code: string; message: string } };
      assert.equal(error.code, 'invalid-payload', what);
      assert.match(error.message, /malformed multipart body/, what);
    }
    assert.equal((await uploadPdf(server.url, sessionId, host.token, minimalPdf('P10'))).status, 201, 'the next upload is taken');
    assert.equal((await storedPdfs()).length, before.length + 1);
    await until(async () => (await tempFiles()).length === 0, 'no partial upload left');
    closeAll(players);
  });

  it('P4: an upload aborted half way leaves no file in DATA_DIR', async () => {
    const { sessionId, players } = await tableOf(server.url, 'host');
    const [host] = players as [Player];
    const before = await storedPdfs();
    const book = minimalPdf('P4', 200 * 1024);
    const boundary = 'gamebook-test-boundary';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="half.pdf"\r\nContent-Type: application/pdf\r\n\r\n`;
    const tail = `\r\n--${boundary}--\r\n`;
    const request = http.request(new URL(`/api/sessions/${sessionId}/pdfs`, server.url), {
      method: 'POST',
      headers: {
        ...bearer(host),
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(head.length + book.length + tail.length),
      },
    });
    request.on('error', () => undefined); // the abort is the point
    request.write(head);
    request.write(book.subarray(0, book.length / 2));
    await until(async () => (await tempFiles()).length === 1, 'the upload under way in tmp/');
    request.destroy();
    await until(async () => (await tempFiles()).length === 0, 'the partial upload removed');
    assert.deepEqual(await storedPdfs(), before);
    closeAll(players);
  });

  it('P5: the same book uploaded to two sessions is stored once', async () => {
    const first = await tableOf(server.url, 'host1');
    const second = await tableOf(server.url, 'host2');
    const book = minimalPdf('P5 shared');
    const before = await storedPdfs();
    const one = await uploadPdf(server.url, first.sessionId, (first.players[0] as Player).token, book);
    const two = await uploadPdf(server.url, second.sessionId, (second.players[0] as Player).token, book, 'other name.pdf');
    assert.deepEqual([one.status, two.status], [201, 201]);
    const [a, b] = [(await one.json()) as PdfData, (await two.json()) as PdfData];
    assert.equal(a.sha256, b.sha256);
    assert.notEqual(a.url, b.url);
    assert.deepEqual(await storedPdfs(), [...new Set([...before, `${a.sha256}.pdf`])].sort());
    const again = await uploadPdf(server.url, first.sessionId, (first.players[0] as Player).token, book);
    assert.equal(again.status, 200, 'the same book again in one session is the same PDF');
    closeAll([...first.players, ...second.players]);
  });

  it('P6: reads serve byte ranges with ETag, Cache-Control and no compression', async () => {
    const { sessionId, players } = await tableOf(server.url, 'host', 'p1');
    const [host, p1] = players as [Player, Player];
    const book = minimalPdf('P6', 5000);
    const pdf = (await (await uploadPdf(server.url, sessionId, host.token, book)).json()) as PdfData;
    const whole = await get(pdf.url, { ...bearer(p1), 'accept-encoding': 'gzip, br' });
    assert.equal(whole.status, 200);
    assert.deepEqual(Buffer.from(await whole.arrayBuffer()), book);
    assert.equal(whole.headers.get('content-type'), 'application/pdf');
    assert.equal(whole.headers.get('content-encoding'), null);
    assert.equal(whole.headers.get('accept-ranges'), 'bytes');
    assert.equal(whole.headers.get('etag'), `"${pdf.sha256}"`);
    assert.match(whole.headers.get('cache-control') ?? '', /private.*immutable/);
    const range = await get(pdf.url, { ...bearer(p1), range: 'bytes=1000-1099', 'accept-encoding': 'gzip' });
    assert.equal(range.status, 206);
    assert.equal(range.headers.get('content-range'), `bytes 1000-1099/${book.length}`);
    assert.equal(range.headers.get('content-encoding'), null);
    assert.deepEqual(Buffer.from(await range.arrayBuffer()), book.subarray(1000, 1100));
    const start = await get(pdf.url, { ...bearer(p1), range: 'bytes=0-4' });
    assert.equal(await start.text(), '%PDF-');
    const cached = await get(pdf.url, { ...bearer(p1), 'if-none-match': `"${pdf.sha256}"` });
    assert.equal(cached.status, 304);
    closeAll(players);
  });

  it('P7: only members read a PDF; access links work without a header and only for their PDF', async () => {
    const { sessionId, players } = await tableOf(server.url, 'host', 'p1');
    const [host, p1] = players as [Player, Player];
    const book = minimalPdf('P7');
    const pdf = (await (await uploadPdf(server.url, sessionId, host.token, book)).json()) as PdfData;
    const other = (await (await uploadPdf(server.url, sessionId, host.token, minimalPdf('P7 other'))).json()) as PdfData;
    const outsider = await player(server.url, 'outsider');
    assert.equal((await get(pdf.url)).status, 401);
    assert.equal((await get(pdf.url, { authorization: 'Bearer forged.token' })).status, 401);
    const refused = await get(pdf.url, bearer(outsider));
    assert.equal(refused.status, 403);
    assert.equal(((await refused.json()) as any).error.code, 'not-in-session');
    assert.equal((await get(pdf.url, bearer(host))).status, 200);
    assert.equal((await get(`/api/sessions/${sessionId}/pdfs/${'0'.repeat(64)}`, bearer(p1))).status, 404);

    const linkFor = (someone: Player, target: PdfData) =>
      fetch(`${server.url}${target.url}/link`, { method: 'POST', headers: bearer(someone) });
    assert.equal((await linkFor(outsider, pdf)).status, 403);
    const link = (await (await linkFor(p1, pdf)).json()) as PdfLink;
    assert.ok(link.expiresAt > Date.now());
    const viaLink = await get(link.url);
    assert.equal(viaLink.status, 200);
    assert.deepEqual(Buffer.from(await viaLink.arrayBuffer()), book);
    const access = new URL(link.url, server.url).searchParams.get('access') as string;
    assert.equal((await get(`${other.url}?access=${encodeURIComponent(access)}`)).status, 401, 'a link opens only its PDF');
    const tampered = access.slice(0, -2) + (access.endsWith('AA') ? 'BB' : 'AA');
    assert.equal((await get(`${pdf.url}?access=${encodeURIComponent(tampered)}`)).status, 401);
    closeAll([...players, outsider]);
  });

  it('P8: without a valid token or link a PDF read answers 401 alike for a real table and for none, and loads no table', async () => {
    const { sessionId, players } = await tableOf(server.url, 'host');
    const pdf = (await (await uploadPdf(server.url, sessionId, players[0]!.token, minimalPdf('P8'))).json()) as PdfData;
    closeAll(players);
    await eventually(() => server.registry.evictIdle(0).includes(sessionId) || !server.registry.loadedIds().has(sessionId), 5000, 'the table out of memory');
    const urls = [pdf.url, `/api/sessions/no-such-table/pdfs/${pdf.id}`, `/api/sessions/not%20an%20id/pdfs/${pdf.id}`];
    for (const url of urls) {
      for (const [how, answer] of [
        ['no token', await get(url)],
        ['a forged token', await get(url, { authorization: 'Bearer forged.token' })],
        ['a forged link', await get(`${url}?access=1.Zm9v.YmFy`)],
      ] as const) {
        assert.equal(answer.status, 401, `${url} with ${how}`);
        assert.equal(((await answer.json()) as any).error.code, 'unauthorized', `${url} with ${how}`);
      }
    }
    assert.ok(!server.registry.loadedIds().has(sessionId), 'a stranger does not bring the table back into memory');
  });
});

describe('uploads that fail outside the route', () => {
  const storeOf = (save: PdfBytes['save']): PdfBytes => ({ init: async () => undefined, save, read: () => Readable.from([]), removeUnreferenced: async () => [] });
  // as PostgreSQL refusing the connection at once: the save fails before busboy has read the file
  const refusing = storeOf(() => Promise.reject(new Error('the store cannot be reached')));

  /**
   * A bare HTTP server whose every request is an upload into `files`, begun once `ready(req)`
   * resolves (the route awaits its table first); each failure's message is kept and answered 500.
   */
  async function withReceiver(files: PdfBytes, run: (url: string, failures: string[]) => Promise<void>, ready = async (_req: http.IncomingMessage) => undefined) {
    const failures: string[] = [];
    const server = http.createServer(async (req, res) => {
      await ready(req);
      receivePdf(req as Request, files, 8 * 1024 * 1024).then(
        () => res.end('saved'),
        (error: Error) => {
          failures.push(error.message);
          res.statusCode = 500;
          res.end(error.message);
        },
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await run(`http://127.0.0.1:${(server.address() as { port: number }).port}/`, failures);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }

  const bookForm = (name: string) => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(minimalPdf(name, 2 * 1024 * 1024))], { type: 'application/pdf' }), 'book.pdf');
    return form;
  };

  it('P9: a store that refuses while the file still streams in: the upload is refused with its error, the process lives on', async () => {
    await withReceiver(refusing, async (url, failures) => {
      for (let attempt = 0; attempt < 3; attempt++) {
        const response = await fetch(url, { method: 'POST', body: bookForm('P9') });
        assert.equal(response.status, 500);
        assert.equal(await response.text(), 'the store cannot be reached');
      }
      assert.deepEqual(failures, Array(3).fill('the store cannot be reached'));
    });
  });

  it('P12: a store that fails while it reads the file (a full disk) answers with its own error, not as a malformed body', async () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const filling = storeOf(async (source) => {
      await pipeline(source, new Writable({ write: (_chunk, _encoding, done) => done(full) }));
      throw new Error('a store that took the whole file');
    });
    await withReceiver(filling, async (url, failures) => {
      const response = await fetch(url, { method: 'POST', body: bookForm('P12') });
      assert.equal(response.status, 500);
      assert.deepEqual(failures, [full.message]);
    });
  });

  it('P11: a request that closed before its upload was read (while its table loaded) is refused as aborted, not left waiting', async () => {
    // the route awaits the table before it reads the body: here, until the client has gone
    let entered!: () => void;
    const handling = new Promise<void>((resolve) => (entered = resolve));
    const closed = (req: http.IncomingMessage) => {
      entered();
      return new Promise<undefined>((resolve) => req.once('close', () => resolve(undefined)));
    };
    await withReceiver(
      refusing,
      async (url, failures) => {
        const request = http.request(url, { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=B', 'content-length': '100000' } });
        request.on('error', () => undefined); // the abort is the point
        request.write('--B\r\n');
        await handling;
        request.destroy();
        await eventually(() => failures.length === 1, 5000, 'the upload refused');
        assert.deepEqual(failures, ['the upload was aborted before its end']);
      },
      closed,
    );
  });
});
