import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { ARTIFACTS, screenshot, textOf, until, valueOf } from './support/browser';
import { createTable, player, startE2eTable, type E2eTable } from './support/e2e-table';
import { overlayColour } from './support/overlay-pixels';
import { samplePdf } from './support/sample-pdf';

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

const rendered = (page: Page, expected: RegExp, what: string) =>
  until(() => page.locator('.page-stage').getAttribute('data-rendered', { timeout: 1000 }), (value) => expected.test(value ?? ''), what, 15_000);

/** Every text the lobby's import progress shows, kept by the page as it changes: the steps go by fast on loopback. */
const RECORD_IMPORT_PROGRESS = `
  window.importProgressSeen = [];
  new MutationObserver(() => {
    const shown = document.querySelector('[aria-label="Import progress"]');
    if (shown) window.importProgressSeen.push(shown.textContent);
  }).observe(document, { childList: true, subtree: true, characterData: true });
`;

const sessionOf = (page: Page) => /\/t\/([A-Za-z0-9_-]+)$/.exec(page.url())?.[1] ?? '';

describe("the table's data and its rough edges, in headless Chromium with two players", () => {
  let e2e: E2eTable;
  let host: Page;
  let guest: Page;
  let link: string;
  const clickOverlay = async (page: Page, x: number, y: number) => {
    const box = (await page.locator('canvas.book-overlay').boundingBox())!;
    await page.mouse.click(box.x + x, box.y + y);
  };

  before(async () => {
    e2e = await startE2eTable();
    host = await player(e2e.browser, 'Hana', e2e.server.url);
    link = await createTable(host);
    guest = await player(e2e.browser, 'Gil', link, { initScript: RECORD_IMPORT_PROGRESS });
    await guest.waitForURL(link);
    const file = path.join(ARTIFACTS, 'table-data.pdf');
    await writeFile(file, await samplePdf(2, 0, 'Data'));
    await host.getByLabel('PDF file').setInputFiles(file);
    for (const page of [host, guest]) await rendered(page, /\/1@1$/, 'the book on both');
  });

  after(async () => {
    await e2e?.close();
  });

  it('T1: a token gets a label and a size that the other player sees, and the other player deletes it', async () => {
    await host.getByRole('button', { name: 'Token', exact: true }).click();
    await clickOverlay(host, 200, 200);
    await host.getByLabel('Token label').fill('Wolf');
    await host.getByLabel('Token label').press('Enter');
    await host.getByLabel('Token size').selectOption({ label: 'Huge' });
    // a huge token (radius 30) covers a point a standard one (12) would not
    await until(() => overlayColour(guest, 200, 226), (c) => c.endsWith(',255'), 'the huge token on the guest');
    await guest.getByRole('button', { name: 'Token', exact: true }).click();
    await clickOverlay(guest, 200, 200);
    await valueOf(guest.getByLabel('Token label'), 'Wolf', "the label, in the guest's token editor");
    assert.equal(await guest.getByLabel('Token size').inputValue(), '2.5');
    await guest.getByRole('button', { name: 'Delete token' }).click();
    await until(() => overlayColour(host, 200, 200), (c) => c === '0,0,0,0', 'the token gone on the host');
    await host.getByLabel('Token label').waitFor({ state: 'hidden' });
    // and back with one undo of the guest's
    await guest.getByRole('button', { name: 'Undo' }).click();
    await until(() => overlayColour(host, 200, 200), (c) => c.endsWith(',255'), 'the token back on the host');
    for (const page of [host, guest]) await page.getByRole('button', { name: 'Move', exact: true }).click();
  });

  it('T2: the export downloads by link; imported by the guest with its progress shown, it makes a new table with the same CRC, layers and book', async () => {
    const original = sessionOf(host);
    const [download] = await Promise.all([host.waitForEvent('download'), host.getByRole('button', { name: 'Export the table' }).click()]);
    assert.match(download.url(), /\/api\/sessions\/[A-Za-z0-9_-]+\/export\?access=/, 'the browser downloads from the server, not a Blob of the page');
    const file = path.join(ARTIFACTS, 'exported.gbtable');
    await download.saveAs(file);
    await guest.getByRole('button', { name: 'Leave the table' }).click();
    await guest.getByLabel('Import a table file').setInputFiles(file);
    await guest.waitForURL((url) => /\/t\//.test(url.pathname) && !url.pathname.endsWith(original));
    await rendered(guest, /\/1@1$/, 'the imported book renders');
    const seen = await guest.evaluate(() => (window as unknown as { importProgressSeen: string[] }).importProgressSeen);
    for (const step of [/Sending the file|File sent/, /Books stored and checked: 1 of 1/, /Making the table/]) {
      assert.ok(seen.some((text) => step.test(text)), `the import progress showed ${step}: ${JSON.stringify(seen)}`);
    }
    await until(() => overlayColour(guest, 200, 200), (c) => c.endsWith(',255'), 'the token in the imported table');
    const [from, to] = await Promise.all([original, sessionOf(guest)].map(async (id) => (await e2e.server.registry.get(id)).fullState()));
    assert.equal(to!.crc, from!.crc);
    assert.deepEqual(to!.layers, from!.layers);
    assert.deepEqual(to!.pdfs.map((pdf) => pdf.sha256), from!.pdfs.map((pdf) => pdf.sha256));
    // the guest is the new table's host: the book's host controls show
    await guest.getByRole('button', { name: 'Bring everyone here' }).waitFor();
    await guest.goto(link);
    await rendered(guest, /\/1@1$/, 'the guest back at the first table');
  });

  it('T3: a damaged PDF is marked as such, not an error page, and the host removes it for everyone', async () => {
    const broken = path.join(ARTIFACTS, 'broken.pdf');
    await writeFile(broken, '%PDF-1.7\nthis is not a PDF body at all\n'.repeat(50));
    await host.getByLabel('PDF file').setInputFiles(broken);
    for (const page of [host, guest]) await textOf(page.getByRole('alert', { name: 'Damaged book' }), /“broken\.pdf” is damaged/, 'the damaged book marked');
    assert.equal(await guest.getByRole('button', { name: 'Remove book' }).count(), 0, 'a player cannot remove it');
    await host.getByRole('alert', { name: 'Damaged book' }).getByRole('button', { name: 'Remove book' }).click();
    await host.getByRole('group', { name: 'Confirm removing the book' }).getByRole('button', { name: 'Remove' }).click();
    for (const page of [host, guest]) {
      await page.getByRole('alert', { name: 'Damaged book' }).waitFor({ state: 'detached' });
      await rendered(page, /\/1@1$/, 'back on the good book');
    }
    assert.deepEqual(await host.getByLabel('Book to show').locator('option').allInnerTexts(), ['table-data.pdf']);
  });

  it('T4: a roll shows a short notice to a player on another tab', async () => {
    await guest.getByRole('tab', { name: /Notes/ }).click();
    await host.getByRole('tab', { name: /Dice/ }).click();
    await host.getByRole('button', { name: '3d6' }).click();
    await textOf(guest.getByRole('status', { name: 'Dice roll' }), /Hana rolled 3d6: \d+/, 'the notice on the Notes tab');
    assert.equal(await host.getByRole('status', { name: 'Dice roll' }).count(), 0, 'no notice on the Dice tab itself');
  });

  it('T5: a deleted note comes back with undo, for both', async () => {
    await guest.getByRole('button', { name: '+ Note' }).click();
    await guest.getByRole('textbox', { name: 'Note' }).fill('turn to 212');
    await host.getByRole('tab', { name: /Notes/ }).click();
    await valueOf(host.getByRole('textbox', { name: 'Note' }), 'turn to 212', 'the note on the host');
    await guest.getByRole('button', { name: 'Delete note' }).click();
    await host.getByRole('textbox', { name: 'Note' }).waitFor({ state: 'detached' });
    await guest.getByRole('alert').getByRole('button', { name: 'Undo' }).click();
    await valueOf(host.getByRole('textbox', { name: 'Note' }), 'turn to 212', 'the note back on the host');
  });

  it('T6: a wrong link says so, lastingly, and keeps the address', async () => {
    const wrong = `${e2e.server.url}/t/no-such-table-here`;
    const lost = await player(e2e.browser, 'Lou', wrong);
    await textOf(lost.getByRole('alert'), /There is no table at this link/, 'the message');
    // longer than the old 5 s notice
    await lost.waitForTimeout(6000);
    assert.match(await lost.getByRole('alert').innerText(), /There is no table at this link/);
    assert.equal(lost.url(), wrong);
    await lost.context().close();
  });

  it('T7: the lobby lists recent tables by their book, and one click opens one again', async () => {
    const table = sessionOf(host);
    await host.getByRole('button', { name: 'Leave the table' }).click();
    const recent = host.getByRole('region', { name: 'Recent tables' });
    const entry = recent.getByRole('button', { name: `Open table-data.pdf (${table.slice(0, 8)})` });
    await entry.waitFor();
    await screenshot(host, 'lobby-recent');
    if (process.env.UPDATE_SCREENSHOTS) await screenshot(host, 'lobby-recent', path.resolve('docs/screenshots/lobby-recent-tables.png'));
    await entry.click();
    await host.waitForURL(new RegExp(`/t/${table}$`));
    await rendered(host, /\/1@1$/, 'back at the table');
  });

  it('T8: on a phone the table opens on the book, with the drawing tools folded', async () => {
    const phone = await player(e2e.browser, 'Pia', link, PHONE);
    await rendered(phone, /\/1@1$/, 'the book first on the phone');
    assert.equal(await phone.getByRole('tab', { name: /Book/ }).getAttribute('aria-selected'), 'true');
    assert.equal(await phone.getByRole('toolbar', { name: 'Drawing tools' }).isVisible(), false, 'the drawing tools are folded');
    await phone.getByRole('button', { name: 'Tools' }).tap();
    await phone.getByRole('toolbar', { name: 'Drawing tools' }).waitFor();
    await screenshot(phone, 'phone-book-first');
    await phone.context().close();
  });
});
