import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { ARTIFACTS, textOf, until, valueOf } from './support/browser';
import { rendered } from './support/book-page';
import { createTable, player, startE2eTable, type E2eTable } from './support/e2e-table';
import { samplePdf } from './support/sample-pdf';

/** A book with no page labels of its own: a game master says where its printed page 1 is. */
const PAGES = 20;
const FIRST = 3;
/** The page a game master hides: printed 7, the file's 9; the contents lead to it. */
const SECRET = 9;
const OUTLINE = [
  { title: 'The Gate', page: FIRST },
  { title: 'The Secret Room', page: SECRET },
];

const onPage = (page: Page, n: number, what: string) => rendered(page, new RegExp(`/${n}@`), what);
const tab = (page: Page, name: string) => page.getByRole('tab', { name: new RegExp(name) }).click();
const typePage = async (page: Page, typed: string) => {
  await page.getByLabel('Page number').fill(typed);
  await page.getByLabel('Page number').press('Enter');
};

describe("a game master's books in headless Chromium: adding and removing books, page numbering, hidden pages", () => {
  let e2e: E2eTable;
  let hana: Page;
  let pia: Page;
  let quinn: Page;

  before(async () => {
    e2e = await startE2eTable();
    hana = await player(e2e.browser, 'Hana', e2e.server.url);
    const link = await createTable(hana);
    pia = await player(e2e.browser, 'Pia', link);
    quinn = await player(e2e.browser, 'Quinn', link);
    await tab(hana, 'Players');
    await hana.getByRole('button', { name: 'Make Pia a game master' }).click();
    await pia.getByRole('tab', { name: /GM/ }).waitFor();
  });
  after(async () => {
    await e2e?.close();
  });

  it('GB1: a game master, not only the host, adds a book; a player has no way to add or remove one', async () => {
    const file = path.join(ARTIFACTS, 'gm-numbered-book.pdf');
    await writeFile(file, await samplePdf(PAGES, 0, 'Section', { outline: OUTLINE }));
    await pia.getByLabel('PDF file').setInputFiles(file);
    for (const page of [hana, pia, quinn]) await onPage(page, 1, 'the book on page 1');
    assert.equal(await quinn.getByLabel('PDF file').count(), 0, 'a player has no book picker');
    assert.equal(await quinn.getByRole('button', { name: 'Remove book' }).count(), 0, 'nor a remove button');
    assert.equal(await pia.getByRole('button', { name: 'Remove book' }).count(), 1, 'a game master has one');
  });

  it('GB2: a game master sets printed page 1; the page field shows and takes printed numbers, and the follower lands there', async () => {
    await tab(pia, 'GM');
    await pia.getByLabel('File page of printed page 1').fill(String(FIRST));
    await pia.getByRole('button', { name: 'Set', exact: true }).click();
    await valueOf(quinn.getByLabel('Page number'), '(1)', 'a page before printed page 1 keeps its place in brackets');
    await typePage(hana, '5');
    await onPage(hana, FIRST + 4, 'printed 5 is the file page 7');
    await onPage(quinn, FIRST + 4, 'the follower lands on it');
    await valueOf(quinn.getByLabel('Page number'), '5', "the follower's field shows the printed number");
    await textOf(quinn.getByLabel('Pages'), new RegExp(`\\(${FIRST + 4} of ${PAGES}\\)`), 'and the place in the file');
    await typePage(hana, '(2)');
    await onPage(quinn, 2, 'a front page by its bracketed place');
  });

  it('GB3: a hidden page is not drawn, listed, searched or reachable for a player; a game master still reaches it', async () => {
    // the uploader looked at its new book on its own: back to following the host
    await pia.getByRole('button', { name: 'Follow the host' }).click();
    await typePage(hana, String(SECRET - FIRST + 1));
    await onPage(pia, SECRET, 'the game master follows to the page to hide');
    await hana.getByRole('button', { name: 'Contents' }).click();
    await tab(hana, 'Bookmarks');
    await hana.getByLabel('Bookmark name').fill('Behind the mirror');
    await hana.getByRole('button', { name: 'Bookmark this page' }).click();
    await pia.getByRole('button', { name: 'Hide page' }).click();
    await textOf(quinn.getByRole('region', { name: 'Book' }), new RegExp(`hidden page ${SECRET}`), 'a follower gets the placeholder');
    assert.equal(await quinn.locator('canvas.pdf-canvas').count(), 0, 'the hidden page is not drawn');

    await typePage(hana, '1');
    await onPage(quinn, FIRST, 'back on a shown page');
    await quinn.getByRole('button', { name: 'Contents' }).click();
    const contents = quinn.getByRole('list', { name: 'Contents' });
    await textOf(contents, /The Gate/, "a player's contents");
    assert.doesNotMatch(await contents.innerText(), /Secret Room/, 'no entry of the hidden page');
    await textOf(hana.getByRole('list', { name: 'Bookmarks' }), /Behind the mirror/, "the host's bookmark of it");
    await tab(quinn, 'Bookmarks');
    await textOf(quinn.locator('.book-bookmarks'), /No bookmarks yet/, 'a player does not see a bookmark of a hidden page');
    await tab(quinn, 'Search');
    await quinn.getByLabel('Search the book').fill(`Section ${SECRET}`);
    await quinn.getByLabel('Search the book').press('Enter');
    await textOf(quinn.getByLabel('Search progress'), /^0 pages found/, 'a player finds nothing on the hidden page');
    await hana.getByRole('tab', { name: 'Search' }).click();
    await hana.getByLabel('Search the book').fill(`Section ${SECRET}`);
    await hana.getByLabel('Search the book').press('Enter');
    await textOf(hana.getByLabel('Search progress'), /^1 page found/, 'the host does');

    await typePage(quinn, String(SECRET - FIRST + 1));
    await until(() => quinn.getByLabel('Page number').getAttribute('aria-invalid'), (wrong) => wrong === 'true', 'the page field refuses the hidden page');
    await typePage(quinn, String(SECRET - FIRST));
    await onPage(quinn, SECRET - 1, 'the page before it');
    await quinn.locator('.book-scroll').click({ position: { x: 5, y: 5 } });
    await quinn.keyboard.press('ArrowRight');
    await onPage(quinn, SECRET + 1, 'the key steps over the hidden page');
    await typePage(pia, String(SECRET - FIRST + 1));
    await onPage(pia, SECRET, 'a game master reaches it by its printed number');
  });

  it('GB4: a game master removes the book after a confirmation: it is gone for everyone', async () => {
    await pia.getByRole('button', { name: 'Remove book' }).click();
    await pia.getByRole('group', { name: 'Confirm removing the book' }).getByRole('button', { name: 'Remove' }).click();
    for (const page of [hana, quinn]) await textOf(page.getByRole('region', { name: 'Book' }), /No book is open yet/, 'the book gone');
  });
});
