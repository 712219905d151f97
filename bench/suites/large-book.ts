import { rendered } from '../../tests/support/book-page';
import { createTable, player, startE2eTable, type E2eTable } from '../../tests/support/e2e-table';
import { watchNetwork, writeLargeBook } from '../../tests/support/large-book';
import { tempDir } from '../../tests/support/temp-dir';
import { percentile, type BenchTable } from '../report';

const SAMPLES = 5;

/** A fresh player on a 20 Mbit/s link joins the table: ms from the join click to the first page drawn, and the PDF bytes it took. */
interface Sample {
  /** From the join click. */
  ms: number;
  /** From the first request for the PDF. */
  bookMs: number;
  bytes: number;
  requests: number;
}

async function firstPage(e2e: E2eTable, link: string): Promise<Sample> {
  const page = await (await e2e.browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  const network = await watchNetwork(page, { throttle: true });
  await page.goto(link);
  await page.getByLabel('Your name').fill('Reader');
  const started = Date.now();
  await page.getByRole('button', { name: /Continue|Join the table/ }).click();
  await rendered(page, /\/1@/, 'the first page', 120_000);
  const ms = Date.now() - started;
  const bookMs = await page.evaluate(() => performance.now() - (performance.getEntriesByType('resource').find((entry) => /\/pdfs\//.test(entry.name))?.startTime ?? Number.NaN));
  const measured = { ms, bookMs, bytes: network.pdfBytes(), requests: network.pdfRequests() };
  await page.context().close();
  return measured;
}

/** Time to the first page of a 30 MB, 4,000-page book on a 20 Mbit/s link (Chromium's network emulation). */
export async function largeBookSuite(): Promise<BenchTable[]> {
  const rows: Array<Array<string | number>> = [];
  for (const flat of [false, true]) {
    const e2e = await startE2eTable();
    try {
      const book = await writeLargeBook(await tempDir('gamebook-bench-'), { flat });
      const host = await player(e2e.browser, 'Host', e2e.server.url);
      const link = await createTable(host);
      await host.getByLabel('PDF file').setInputFiles(book.file);
      await rendered(host, /\/1@/, 'the host on page 1', 120_000);
      const samples: Sample[] = [];
      for (let i = 0; i < SAMPLES; i++) samples.push(await firstPage(e2e, link));
      const sorted = (key: 'ms' | 'bookMs') => samples.map((sample) => sample[key]).sort((a, b) => a - b);
      const [ms, bookMs] = [sorted('ms'), sorted('bookMs')];
      const wholeMs = (book.size / (20e6 / 8)) * 1000;
      rows.push([
        flat ? 'flat (pdf-lib: one node of 4,000 pages)' : 'balanced (nodes of 32 pages, as typesetters write)',
        (book.size / 1e6).toFixed(1),
        percentile(ms, 50),
        percentile(ms, 90),
        Math.round(percentile(bookMs, 50)),
        Math.round(percentile(bookMs, 90)),
        Math.max(...samples.map((sample) => sample.bytes)),
        Math.max(...samples.map((sample) => sample.requests)),
        Math.round(wholeMs),
      ]);
    } finally {
      await e2e.close();
    }
  }
  return [
    {
      title: 'A 30 MB, 4,000-page book: the first page on a 20 Mbit/s link',
      description: `Headless Chromium, the production build, Chromium's network emulation at 20 Mbit/s down, 5 up, 40 ms latency (page and pdf.js worker). A new player joins a table whose host has opened the book; from the click on "Join the table" (the join, the table's state, opening the book) until page 1 is drawn, ${SAMPLES} players one after another, each a fresh browser context; "book → first page" starts at the player's first request for the PDF (the resource timing of the page; the end is seen by polling every 50 ms). Bytes: the PDF bytes received before the page was drawn (the largest of the samples). The last column is what the whole file takes on the same link (size ÷ 20 Mbit/s), what a viewer that downloads it first would wait at least.`,
      columns: ['page tree', 'MB', 'join → first page p50 ms', 'p90', 'book → first page p50 ms', 'p90', 'PDF bytes', 'requests', 'whole file ms'],
      rows,
    },
  ];
}
