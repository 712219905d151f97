import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { writeFile } from 'node:fs/promises';
import { ARTIFACTS, screenshot, textOf, until, valueOf } from './support/browser';
import { samplePdf } from './support/sample-pdf';
import { createTable, player as newPlayer, startE2eTable, type E2eTable } from './support/e2e-table';

/** Typing speed of the game masters in GE7, as in the shared notes' concurrency test. */
const KEY_DELAY_MS = 40;

const SECRET = 'The innkeeper is the vampire (gm-only 5d2e)';

/** Every WebSocket frame the page receives, as text: what a player's browser could read. */
function recordFrames(page: Page): () => string {
  const frames: string[] = [];
  page.on('websocket', (socket) => socket.on('framereceived', ({ payload }) => frames.push(typeof payload === 'string' ? payload : payload.toString('latin1'))));
  return () => frames.join('\n');
}

describe('roles and game master tools in headless Chromium, three players', () => {
  let e2e: E2eTable;
  let browser: Browser;
  let hana: Page;
  let pia: Page;
  let quinn: Page;
  let quinnFrames: () => string;
  let link: string;

  before(async () => {
    e2e = await startE2eTable();
    browser = e2e.browser;
  });
  after(async () => {
    await e2e?.close();
  });

  const tab = (page: Page, name: string) => page.getByRole('tab', { name: new RegExp(name) }).click();
  const people = (page: Page) => page.getByRole('list', { name: 'Players at the table' });
  const caretOf = (note: Locator) => note.evaluate((field: HTMLTextAreaElement) => [field.selectionStart, field.selectionEnd]);
  const hasGmTab = (page: Page) => page.getByRole('tab', { name: /GM/ }).count();

  it('GE1: three players at a table; each player owns the sheet they add, others see it locked', async () => {
    hana = await newPlayer(browser, 'Hana', e2e.server.url);
    link = await createTable(hana);
    pia = await newPlayer(browser, 'Pia', link);
    quinn = await browser.newContext({ viewport: { width: 1280, height: 800 } }).then(async (context) => {
      const page = await context.newPage();
      quinnFrames = recordFrames(page);
      await page.goto(link);
      await page.getByLabel('Your name').fill('Quinn');
      await page.getByRole('button', { name: /Join the table/ }).click();
      return page;
    });
    await tab(hana, 'Players');
    await textOf(people(hana), /Quinn/, 'Quinn at the table');
    await tab(quinn, 'Sheets');
    await quinn.getByRole('button', { name: '+ Character' }).click();
    await quinn.getByLabel('Character name').first().fill('Quinn the Quick');
    await tab(pia, 'Sheets');
    const sheetOfQuinn = pia.getByRole('article', { name: /Sheet of Quinn the Quick/ });
    await until(() => sheetOfQuinn.getAttribute('data-editable', { timeout: 1000 }), (value) => value === 'false', "Quinn's sheet locked for Pia");
    assert.equal(await sheetOfQuinn.getByLabel('Character name').isDisabled(), true);
    await tab(hana, 'Sheets');
    const forHost = hana.getByRole('article', { name: /Sheet of Quinn the Quick/ });
    await until(() => forHost.getAttribute('data-editable', { timeout: 1000 }), (value) => value === 'true', 'the host edits every sheet');
    assert.equal(await hasGmTab(pia), 0, 'a player has no game master tab');
  });

  it('GE2: the host makes Pia a co-host; GM notes reach game masters only, never a player\'s socket', async () => {
    await tab(hana, 'Players');
    await hana.getByRole('button', { name: 'Make Pia a game master' }).click();
    await until(() => hasGmTab(pia), (count) => count === 1, 'the GM tab for Pia');
    await tab(hana, 'GM');
    await hana.getByRole('button', { name: '+ GM note' }).click();
    await hana.getByRole('textbox', { name: 'GM note' }).fill(SECRET);
    await hana.getByRole('heading', { name: 'Game master' }).click();
    await tab(pia, 'GM');
    await until(() => pia.getByRole('textbox', { name: 'GM note' }).inputValue({ timeout: 1000 }), (text) => text === SECRET, 'the note on the co-host');
    await tab(pia, 'Sheets');
    const forPia = pia.getByRole('article', { name: /Sheet of Quinn the Quick/ });
    await until(() => forPia.getAttribute('data-editable', { timeout: 1000 }), (value) => value === 'true', 'a game master edits every sheet');
    assert.equal(await hasGmTab(quinn), 0);
    assert.ok(quinnFrames().includes('Quinn the Quick'), "Quinn's socket carries the table (the check can see it)");
    assert.equal(quinnFrames().includes('gm-only 5d2e'), false, "a GM note reached a player's socket");
  });

  it('GE3: a game master sets the turn order; everyone sees whose turn it is', async () => {
    await tab(pia, 'GM');
    await pia.getByRole('button', { name: 'Add Quinn to the turn order' }).click();
    await pia.getByRole('button', { name: 'Add Hana to the turn order' }).click();
    await textOf(quinn.getByRole('status', { name: 'Current turn' }), /Turn: yours/, "Quinn's turn on Quinn's screen");
    await textOf(hana.getByRole('status', { name: 'Current turn' }), /Turn: Quinn/, "Quinn's turn on Hana's screen");
    await pia.getByRole('button', { name: 'Next turn' }).click();
    await textOf(quinn.getByRole('status', { name: 'Current turn' }), /Turn: Hana/, 'the next turn for everyone');
  });

  it('GE4: a game master hides a page (players see a placeholder) and pins a hidden mark only game masters see', async () => {
    const file = path.join(ARTIFACTS, 'gm-book.pdf');
    await writeFile(file, await samplePdf(2));
    await hana.getByLabel('PDF file').setInputFiles(file);
    const canvas = (page: Page) => page.locator('canvas.pdf-canvas');
    await canvas(quinn).waitFor();
    await tab(pia, 'GM');
    await pia.getByRole('button', { name: 'Hide page' }).click();
    await textOf(quinn.getByRole('region', { name: 'Book' }), /The game master has hidden page 1/, 'the placeholder for a player');
    assert.equal(await canvas(quinn).count(), 0, 'the page is not drawn for a player');
    await textOf(hana.getByRole('region', { name: 'Book' }), /Hidden from players/, 'a game master still sees the page');
    assert.equal(await canvas(hana).count(), 1);
    await pia.getByLabel('Hidden mark').fill('Trapdoor (gm-only 8c1f)');
    await pia.getByRole('button', { name: 'Pin' }).click();
    await textOf(hana.locator('.gm-marks-layer'), /Trapdoor/, 'the mark over the page for a game master');
    await tab(hana, 'GM');
    if (process.env.UPDATE_SCREENSHOTS) await screenshot(hana, 'gm-panel', path.resolve('docs/screenshots/gm-panel.png'));
    await pia.getByRole('button', { name: 'Reveal page' }).click();
    await canvas(quinn).waitFor();
    assert.equal(await quinn.locator('.gm-marks-layer').count(), 0, 'no hidden mark on a player\'s page');
    assert.equal(quinnFrames().includes('gm-only 8c1f'), false, "a hidden mark reached a player's socket");
  });

  it('GE5: the host hands the table to Pia and stays a game master', async () => {
    await tab(hana, 'Players');
    await hana.getByRole('button', { name: 'Hand the table to Pia' }).click();
    await tab(quinn, 'Players');
    await textOf(people(quinn).getByRole('listitem', { name: 'Pia' }), /host/, 'Pia is host for Quinn');
    await textOf(people(quinn).getByRole('listitem', { name: 'Hana' }), /GM/, 'Hana is a game master');
    assert.equal(await hana.getByRole('button', { name: 'Hand the table to Quinn' }).count(), 0, 'only the host hands over');
    // the book follows the roles of now, with no reload: Pia leads it, Hana follows
    await pia.getByRole('button', { name: 'Bring everyone here' }).waitFor();
    await hana.getByRole('button', { name: 'Bring everyone here' }).waitFor({ state: 'detached' });
  });

  it('GE6: the new host removes Quinn: Quinn leaves the table and the link no longer opens it', async () => {
    await tab(pia, 'Players');
    pia.once('dialog', (dialog) => void dialog.accept());
    await pia.getByRole('button', { name: 'Remove Quinn' }).click();
    await textOf(quinn.locator('body'), /You were removed from this table/, 'Quinn told');
    await quinn.getByRole('button', { name: 'Create a table' }).waitFor();
    await quinn.goto(link);
    await textOf(quinn.locator('body'), /removed from this table/, 'Quinn refused on the link');
    await quinn.getByRole('button', { name: 'Create a table' }).waitFor();
    await tab(hana, 'Players');
    await until(() => people(hana).innerText(), (text) => !text.includes('Quinn'), 'Quinn gone from the list');
  });

  it('GE7: two game masters type in one GM note at the same moment: both keep their words, and the caret of one stays put while the other\'s text arrives', async () => {
    await Promise.all([tab(hana, 'GM'), tab(pia, 'GM')]);
    await hana.getByRole('button', { name: '+ GM note' }).click();
    const [hanaNote, piaNote] = [hana, pia].map((page) => page.getByRole('textbox', { name: 'GM note' }).last()) as [Locator, Locator];
    await valueOf(piaNote, '', 'the new note for Pia');
    await hanaNote.fill('the crypt');
    await valueOf(piaNote, 'the crypt', "Hana's text on Pia's screen");

    // both type at once, at the two ends of the note, without leaving it
    await hanaNote.focus();
    await hana.keyboard.press('Control+End');
    await piaNote.focus();
    await pia.keyboard.press('Control+Home');
    await Promise.all([hana.keyboard.type(' lies under the chapel', { delay: KEY_DELAY_MS }), pia.keyboard.type('Secret: ', { delay: KEY_DELAY_MS })]);
    const both = 'Secret: the crypt lies under the chapel';
    await valueOf(hanaNote, both, "Hana's note");
    await valueOf(piaNote, both, "Pia's note");

    // Hana's caret before "crypt" stays on it while Pia types before and after it
    await hanaNote.focus();
    await hana.keyboard.press('Control+Home');
    for (let i = 0; i < 'Secret: the '.length; i++) await hana.keyboard.press('ArrowRight');
    await until(() => caretOf(hanaNote), ([start, end]) => start === 12 && end === 12, "Hana's caret before 'crypt'");
    await piaNote.focus();
    await pia.keyboard.press('Control+Home');
    await pia.keyboard.type('Old ', { delay: KEY_DELAY_MS });
    await valueOf(hanaNote, `Old ${both}`, "Pia's words on Hana's screen while Hana's editor is open");
    assert.deepEqual(await caretOf(hanaNote), [16, 16], 'moved by exactly the 4 characters typed before it');
    await hana.keyboard.type('old ', { delay: KEY_DELAY_MS });
    for (const note of [hanaNote, piaNote]) await valueOf(note, 'Old Secret: the old crypt lies under the chapel', 'Hana typed where her caret was');
  });
});
