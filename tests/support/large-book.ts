import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { samplePdf } from './sample-pdf';

export const LARGE_BOOK_PAGES = 4000;
/** Noise attached to the 4,000 small pages (about 2 MB of them) to make a 30 MB book. */
const LARGE_BOOK_PADDING = 28 * 1024 * 1024;

/**
 * A 30 MB, 4,000-page gamebook written into `dir` (a temp dir: never committed), its page tree
 * in nodes of 32 pages as typesetters write it; `flat` keeps pdf-lib's one node of 4,000 (a
 * viewer then reads every page's entry to check the last page: about 2.5 MB more).
 */
export async function writeLargeBook(dir: string, { flat = false } = {}): Promise<{ file: string; size: number }> {
  const bytes = await samplePdf(LARGE_BOOK_PAGES, LARGE_BOOK_PADDING, 'Section', flat ? {} : { pagesPerNode: 32 });
  const file = path.join(dir, 'large-gamebook.pdf');
  await writeFile(file, bytes);
  return { file, size: bytes.length };
}

/** The network of one page as the test sees it through Chromium's DevTools protocol. */
export interface WatchedNetwork {
  /** Bytes of the session's PDFs received so far (bodies as they arrived: a request cut off counts what came). */
  pdfBytes(): number;
  /** GET requests for them. */
  pdfRequests(): number;
  /** Those of them that asked for the whole file, not a range. */
  wholePdfRequests(): number;
  /** Every URL the page asked for, in order. */
  requested(): string[];
  /** The built activity's files received: URL, the Content-Encoding they came in, bytes on the wire. */
  assets(): Array<{ url: string; encoding: string | undefined; wireBytes: number }>;
}

const PDF_URL = /\/api\/sessions\/[^/]+\/pdfs\/[^/?]+(\?|$)/;
const ASSET_URL = /\/assets\/[^/?]+$/;

/**
 * Watches `page`'s requests for PDFs, and with `throttle` gives it (and the workers it starts) a
 * 20 Mbit/s link with 40 ms of latency, through Chromium's network emulation.
 */
export async function watchNetwork(page: Page, { throttle = false } = {}): Promise<WatchedNetwork> {
  const cdp = await page.context().newCDPSession(page);
  const pdfIds = new Set<string>();
  const requested: string[] = [];
  const whole = new Set<string>();
  const assets = new Map<string, { url: string; encoding: string | undefined; wireBytes: number }>();
  let bytes = 0;
  cdp.on('Network.requestWillBeSent', (event) => {
    requested.push(event.request.url);
    if (event.request.method !== 'GET' || !PDF_URL.test(event.request.url)) return;
    pdfIds.add(event.requestId);
    if (!Object.keys(event.request.headers).some((name) => name.toLowerCase() === 'range')) whole.add(event.requestId);
  });
  cdp.on('Network.responseReceived', (event) => {
    if (!ASSET_URL.test(event.response.url)) return;
    const encoding = Object.entries(event.response.headers).find(([name]) => name.toLowerCase() === 'content-encoding')?.[1];
    assets.set(event.requestId, { url: event.response.url, encoding, wireBytes: 0 });
  });
  cdp.on('Network.loadingFinished', (event) => {
    const asset = assets.get(event.requestId);
    if (asset) asset.wireBytes = event.encodedDataLength;
  });
  cdp.on('Network.dataReceived', (event) => {
    if (pdfIds.has(event.requestId)) bytes += event.dataLength;
  });
  await cdp.send('Network.enable');
  if (throttle) await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 40, downloadThroughput: (20e6 / 8) | 0, uploadThroughput: (5e6 / 8) | 0 });
  return {
    pdfBytes: () => bytes,
    pdfRequests: () => pdfIds.size,
    wholePdfRequests: () => whole.size,
    requested: () => [...requested],
    assets: () => [...assets.values()],
  };
}
