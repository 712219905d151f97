import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PdfData } from '../shared/layers-protocol';
import { ARTIFACTS, cspRefusals, until } from './support/browser';
import { createTable, startE2eTable, type E2eTable } from './support/e2e-table';
import { request } from './support/harness';
import { samplePdf } from './support/sample-pdf';
import { closeAll, player as socketPlayer } from './support/table';

const FRAME_ANCESTORS = ["'self'", 'https://discord.com', 'https://*.discord.com', 'https://*.discordsays.com'];

/** The directives of a Content-Security-Policy header, each with its sources. */
function directivesOf(header: string | null): Map<string, string[]> {
  const entries = (header ?? '').split(';').map((directive) => directive.trim().split(/\s+/));
  return new Map(entries.filter(([name]) => name).map(([name, ...sources]) => [name!, sources]));
}

function assertLockedDown(response: Response, what: string): void {
  const csp = directivesOf(response.headers.get('content-security-policy'));
  assert.deepEqual(csp.get('frame-ancestors'), FRAME_ANCESTORS, `${what}: only Discord and the table itself may frame it`);
  assert.deepEqual(csp.get('default-src'), ["'self'"], what);
  assert.deepEqual(csp.get('script-src'), ["'self'", "'wasm-unsafe-eval'"], what);
  assert.deepEqual(csp.get('object-src'), ["'none'"], what);
  assert.deepEqual(csp.get('connect-src'), ["'self'"], what);
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff', what);
  assert.equal(response.headers.get('referrer-policy'), 'no-referrer', what);
  assert.equal(response.headers.get('cross-origin-embedder-policy'), 'require-corp', what);
}

describe('security headers on the page, the API and PDFs, and the policy at work in Chromium', () => {
  let e2e: E2eTable;
  let foreign: Server;

  before(async () => {
    e2e = await startE2eTable();
  });
  after(async () => {
    foreign?.close();
    await e2e?.close();
  });

  const url = (path: string) => `${e2e.server.url}${path}`;

  it('H4: Socket.IO long-polling answers, written before Express, carry the same headers', async () => {
    const handshake = await fetch(url('/socket.io/?EIO=4&transport=polling'));
    assert.equal(handshake.status, 200);
    assertLockedDown(handshake, 'a polling handshake');
  });

  it('H1: the page, API answers and PDFs carry the CSP, nosniff and Referrer-Policy; a PDF holding HTML stays a PDF, inline with its name', async () => {
    const page = await fetch(url('/t/some-table'));
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assertLockedDown(page, 'the page');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(await page.text())?.[1];
    assert.ok(script, "the page names the app's script");
    const compressed = await fetch(url(script), { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(compressed.headers.get('content-encoding'), 'gzip');
    assertLockedDown(compressed, 'a script sent compressed');
    const login = await fetch(url('/api/auth/guest'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"Ann"}' });
    assert.equal(login.status, 200);
    assertLockedDown(login, 'an API answer');
    assertLockedDown(await fetch(url('/api/no-such-route')), 'an API error');

    const host = await socketPlayer(e2e.server.url, 'host');
    const { sessionId } = await request(host.socket, 'create-session');
    // a real PDF's magic, then a page of HTML: served as what it was uploaded as, never sniffed
    const disguised = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from('<html><script>document.title = "ran"</script></html>')]);
    // by hand: fetch's FormData would escape the quotes, which a hostile client need not do
    const body = Buffer.concat([
      Buffer.from(`--B\r\nContent-Disposition: form-data; name="file"; filename="Le \\"grimoire\\" d'été.pdf"\r\nContent-Type: application/pdf\r\n\r\n`),
      disguised,
      Buffer.from('\r\n--B--\r\n'),
    ]);
    const uploaded = await fetch(url(`/api/sessions/${sessionId}/pdfs`), {
      method: 'POST',
      headers: { authorization: `Bearer ${host.token}`, 'content-type': 'multipart/form-data; boundary=B' },
      body,
    });
    assert.equal(uploaded.status, 201);
    const pdf = (await uploaded.json()) as PdfData;
    assert.equal(pdf.name, 'Le "grimoire" d\'été.pdf', 'the name read as the UTF-8 it was sent in');
    const served = await fetch(url(pdf.url), { headers: { authorization: `Bearer ${host.token}` } });
    assert.equal(served.status, 200);
    assertLockedDown(served, 'a PDF');
    assert.equal(served.headers.get('content-type'), 'application/pdf');
    assert.equal(served.headers.get('content-disposition'), `inline; filename="Le _grimoire_ d'_t_.pdf"; filename*=UTF-8''Le%20%22grimoire%22%20d%27%C3%A9t%C3%A9.pdf`);
    assert.deepEqual(Buffer.from(await served.arrayBuffer()), disguised);
    closeAll([host]);
  });

  it('H2: a page of another origin cannot frame the table; a page of its own origin can', async () => {
    const tableUrl = url('/');
    foreign = createServer((_req, res) => res.setHeader('content-type', 'text/html').end(`<iframe src="${tableUrl}"></iframe>`));
    await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
    const page = await (await e2e.browser.newContext()).newPage();
    const refused = cspRefusals(page);
    await page.goto(`http://127.0.0.1:${(foreign.address() as AddressInfo).port}/`);
    await until(async () => refused, (seen) => seen.some((text) => /frame-ancestors/.test(text)), 'the frame refused by frame-ancestors');
    assert.equal(await page.frameLocator('iframe').getByLabel('Your name').count(), 0, 'the table is not shown in the frame');

    const own = await (await e2e.browser.newContext()).newPage();
    await own.route(url('/around-the-table'), (route) => route.fulfill({ contentType: 'text/html', body: `<iframe src="/"></iframe>` }));
    await own.goto(url('/around-the-table'));
    await own.frameLocator('iframe').getByLabel('Your name').waitFor();
  });

  it('H3: under the real policy the table works, cross-origin isolated: socket over WebSocket, the PDF drawn by the pdf.js worker, WebAssembly allowed, inline script refused', async () => {
    const host = await (await e2e.browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    const refused = cspRefusals(host);
    const frames: string[] = [];
    host.on('websocket', (socket) => socket.on('framereceived', () => frames.push(socket.url())));
    await host.goto(e2e.server.url);
    await host.getByLabel('Your name').fill('Hana');
    await host.getByRole('button', { name: /Continue/ }).click();
    await createTable(host);
    await until(async () => frames, (seen) => seen.some((socketUrl) => socketUrl.startsWith(e2e.server.url.replace(/^http/, 'ws'))), 'messages over a WebSocket to the server');
    const file = path.join(ARTIFACTS, 'security-headers.pdf');
    await writeFile(file, await samplePdf(1));
    await host.getByLabel('PDF file').setInputFiles(file);
    await until(() => host.locator('.page-stage').getAttribute('data-rendered', { timeout: 1000 }), (value) => /\/1@1$/.test(value ?? ''), 'page 1 rendered', 15_000);
    assert.ok(host.workers().some((worker) => /pdf\.worker/.test(worker.url())), 'pdf.js runs in its worker, not on the main thread');
    assert.deepEqual(refused, [], 'nothing the table does is refused by its policy');
    assert.equal(await host.evaluate(() => crossOriginIsolated), true, 'COOP and COEP make the standalone page cross-origin isolated');

    // pdf.js decodes JPEG 2000 images with WebAssembly
    assert.equal(await host.evaluate(() => WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])).then(() => 'compiled')), 'compiled');
    await host.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.injected = true';
      document.head.append(script);
    });
    await until(async () => refused, (seen) => seen.some((text) => /inline script/.test(text)), 'the inline script refused');
    assert.equal(await host.evaluate(() => (window as { injected?: boolean }).injected), undefined);
  });
});
