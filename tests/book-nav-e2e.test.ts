import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { ARTIFACTS, screenshot, textOf, until, valueOf } from './support/browser';
import { rendered } from './support/book-page';
import { createTable, player, startE2eTable, type E2eTable } from './support/e2e-table';
import { samplePdf } from './support/sample-pdf';

/** 4 pages of foreword (labelled i to iv), then sections 1 to 96 on pages 5 to 100. */
const FRONT = 4;
const PAGES = 100;
const OUTLINE = [
  { title: 'Foreword', page: 1 },
  { title: 'The Forest', page: FRONT + 1 },
  { title: 'The Caves', page: FRONT + 60 },
];

const onPage = (page: Page, n: number, what: string) => rendered(page, new RegExp(`/${n}@`), what);
const scaleOf = async (page: Page) => Number(/@([\d.]+)$/.exec((await page.locator('.page-stage').getAttribute('data-rendered')) ?? '')?.[1]);

/** The point of the page at the centre of the book's view, as fractions of the page (what the follower must share). */
function centre(page: Page): Promise<{ x: number; y: number }> {
  return page.evaluate(() => {
    const scroller = document.querySelector('.book-scroll')!;
    const stage = document.querySelector('.page-stage')!.getBoundingClientRect();
    const box = scroller.getBoundingClientRect();
    return { x: (box.left + box.width / 2 - stage.left) / stage.width, y: (box.top + box.height / 2 - stage.top) / stage.height };
  });
}

const close = (a: number, b: number, within = 0.02) => Math.abs(a - b) <= within;

describe('finding a page in headless Chromium: page field, labels, keys, contents, search, bookmarks, fit, and the follower lands there', () => {
  let e2e: E2eTable;
  let host: Page;
  let guest: Page;

  before(async () => {
    e2e = await startE2eTable();
    host = await player(e2e.browser, 'Hana', e2e.server.url);
    const link = await createTable(host);
    // a smaller screen than the host's: the scroll is shared as a fraction of the page, not in pixels
    guest = await player(e2e.browser, 'Gil', link, { viewport: { width: 1000, height: 700 } });
    await guest.waitForURL(link);
    const file = path.join(ARTIFACTS, 'labelled-gamebook.pdf');
    await writeFile(file, await samplePdf(PAGES, 0, 'Section', { front: FRONT, outline: OUTLINE }));
    await host.getByLabel('PDF file').setInputFiles(file);
    for (const page of [host, guest]) await onPage(page, 1, 'the book open on page 1');
  });

  after(async () => {
    await e2e?.close();
  });

  it('N1: the page field shows the printed label and takes a label or a number; the follower lands there', async () => {
    await valueOf(host.getByLabel('Page number'), 'i', 'the first page is labelled i');
    await textOf(host.getByLabel('Pages'), /\(1 of 100\)/, 'its place in the file');
    const field = host.getByLabel('Page number');
    await field.fill('42');
    await field.press('Enter');
    // section 42 is printed 42, and is page 46 of the file
    await onPage(host, FRONT + 42, 'the host on the page printed 42');
    await onPage(guest, FRONT + 42, 'the guest follows to it');
    await valueOf(guest.getByLabel('Page number'), '42', "the guest's field shows the label");
    await field.fill('iii');
    await field.press('Enter');
    await onPage(guest, 3, 'by a roman label');
    await field.fill('999');
    await field.press('Enter');
    assert.equal(await field.getAttribute('aria-invalid'), 'true', 'no such page: said so');
    await onPage(host, 3, 'and the page stays');
  });

  it('N2: PageDown, PageUp and the arrows turn the page, but not while typing in a field', async () => {
    await host.locator('.book-scroll').click({ position: { x: 5, y: 5 } });
    await host.keyboard.press('PageDown');
    await onPage(guest, 4, 'PageDown: the next page, for the follower too');
    await host.keyboard.press('ArrowRight');
    await onPage(guest, 5, 'ArrowRight');
    await host.keyboard.press('PageUp');
    await onPage(host, 4, 'PageUp');
    await host.keyboard.press('ArrowLeft');
    await onPage(guest, 3, 'ArrowLeft');
    await host.getByLabel('Page number').focus();
    await host.keyboard.press('ArrowRight');
    await host.keyboard.press('PageDown');
    await host.getByLabel('Page number').press('Escape');
    await host.waitForTimeout(300);
    await onPage(host, 3, 'keys typed in the field move its caret, not the book');
  });

  it('N3: the contents panel lists the outline; a click goes there for everyone', async () => {
    await host.getByRole('button', { name: 'Contents' }).click();
    const contents = host.getByRole('list', { name: 'Contents' });
    await textOf(contents, /Foreword[\s\S]*The Forest[\s\S]*The Caves/, 'the outline in order');
    await contents.getByRole('button', { name: /The Caves/ }).click();
    await onPage(guest, FRONT + 60, 'the guest lands on The Caves');
    await textOf(contents.getByRole('button', { name: /The Caves/ }), /60/, 'with its printed page');
  });

  it('N4: a search finds the section by its number, heading first; a click takes everyone there', async () => {
    await host.getByRole('tab', { name: 'Search' }).click();
    await host.getByLabel('Search the book').fill('42');
    await host.getByLabel('Search the book').press('Enter');
    await textOf(host.getByLabel('Search progress'), /100 pages found/, 'every page says "turn to 42"');
    const first = host.getByRole('list', { name: 'Search results' }).getByRole('button').first();
    await textOf(first, /p\. 42[\s\S]*Section 42/, 'the section headed 42 comes first');
    await first.click();
    await onPage(guest, FRONT + 42, 'the guest on section 42');
  });

  it('N5: a bookmark one player sets reaches the other and outlives a reload; it takes everyone there', async () => {
    await guest.getByRole('button', { name: 'Contents' }).click();
    await guest.getByRole('tab', { name: 'Bookmarks' }).click();
    await guest.getByLabel('Bookmark name').fill('The ambush');
    await guest.getByRole('button', { name: 'Bookmark this page' }).click();
    await host.getByRole('tab', { name: 'Bookmarks' }).click();
    const mark = host.getByRole('list', { name: 'Bookmarks' }).getByRole('button', { name: /^The ambush/ });
    await textOf(mark, /p\. 42/, "the guest's bookmark on the host, at the printed page");
    await host.getByLabel('Page number').fill('1');
    await host.getByLabel('Page number').press('Enter');
    await onPage(guest, FRONT + 1, 'elsewhere');
    await guest.reload();
    await onPage(guest, FRONT + 1, 'after the reload');
    await guest.getByRole('button', { name: 'Contents' }).click();
    await guest.getByRole('tab', { name: 'Bookmarks' }).click();
    await textOf(guest.getByRole('list', { name: 'Bookmarks' }), /The ambush/, 'the bookmark is still there');
    await mark.click();
    await onPage(guest, FRONT + 42, 'the bookmark takes the guest there');
    await screenshot(host, 'book-nav');
    // the README's picture is refreshed on request only, so a test run leaves the tree clean
    if (process.env.UPDATE_SCREENSHOTS) await screenshot(host, 'book-nav', path.resolve('docs/screenshots/book-nav.png'));
  });

  it('N6: the follower lands on the same zoom and scroll position, as a fraction of the page, on a smaller screen', async () => {
    for (let i = 0; i < 4; i++) await host.getByRole('button', { name: 'Zoom in' }).click();
    await rendered(host, /@2\.44\d$/, 'the host zoomed in');
    const zoomed = await scaleOf(host);
    await until(() => scaleOf(guest), (scale) => scale === zoomed, 'the guest at the host zoom');
    await host.locator('.book-scroll').evaluate((element) => element.scrollTo({ left: element.scrollWidth * 0.3, top: element.scrollHeight * 0.45 }));
    const hostAt = await until(() => centre(host), (at) => at.y > 0.4, 'the host scrolled down the page');
    const guestAt = await until(() => centre(guest), (at) => close(at.x, hostAt.x) && close(at.y, hostAt.y), `the guest centred where the host looks (${JSON.stringify(hostAt)})`);
    assert.ok(close(guestAt.y, hostAt.y), `same point down the page: ${guestAt.y} vs ${hostAt.y}`);
    // a zoom keeps the point in the middle, for the host and the follower
    await host.getByRole('button', { name: 'Zoom out' }).click();
    await until(() => scaleOf(guest), (scale) => scale < zoomed, 'the guest zoomed out with the host');
    const afterZoom = await until(() => centre(host), () => true, 'the host centre');
    await until(() => centre(guest), (at) => close(at.y, afterZoom.y), 'the guest still where the host looks after a zoom');
    assert.ok(close(afterZoom.y, hostAt.y, 0.03), `the zoom kept the host's point: ${afterZoom.y} vs ${hostAt.y}`);
  });

  it('N7: fit to width and fit page, and the follower takes the same zoom', async () => {
    const zoomed = await scaleOf(host);
    await host.getByRole('button', { name: 'Fit width' }).click();
    const width = await until(
      () => host.evaluate(() => [document.querySelector('.page-stage')!.getBoundingClientRect().width, document.querySelector('.book-scroll')!.clientWidth]),
      ([stage, area]) => stage! <= area! && stage! > area! - 20,
      'the page as wide as the book area',
    );
    // the stage takes its size at once, the drawing (and the scale it reports) follows when pdf.js is done
    const fitted = await until(() => scaleOf(host), (scale) => scale !== zoomed, 'the host drawn at the fitted zoom');
    await rendered(guest, new RegExp(`@${String(fitted).replace('.', '\\.')}$`), `the guest at the host's fitted zoom ${fitted} (${width})`);
    await host.getByRole('button', { name: 'Fit page' }).click();
    await until(
      () => host.evaluate(() => [document.querySelector('.page-stage')!.getBoundingClientRect().height, document.querySelector('.book-scroll')!.clientHeight]),
      ([stage, area]) => stage! <= area! && stage! > area! - 20,
      'the whole page in the book area',
    );
    await until(() => scaleOf(host), (scale) => scale < fitted, 'fit page drawn smaller than fit width on a landscape screen');
  });
});
