import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { until, valueOf } from './support/browser';
import { player, startE2eTable, type E2eTable } from './support/e2e-table';
import { ListWriter, type ListItem, type Lists } from './support/list-writer';
import { probeScript, takeRenders } from './support/page-probe';

const note = (i: number): ListItem => ({ id: `note-${i}`, text: `Note ${i}`, author: 'Ayla' });
const counter = (i: number): ListItem => ({ id: `counter-${i}`, label: `Counter ${i}`, value: i });
const sheet = (i: number): ListItem => ({
  id: `char-${i}`,
  name: `Hero ${i}`,
  stats: [{ id: `stamina-${i}`, label: 'Stamina', value: 10, initial: 12 }],
  inventory: [],
  gold: 0,
  provisions: 0,
  notes: '',
});

const tableWith = (notes: number): Lists => ({
  notes: Array.from({ length: notes }, (_, i) => note(i)),
  counters: Array.from({ length: 12 }, (_, i) => counter(i)),
  characters: Array.from({ length: 3 }, (_, i) => sheet(i)),
});

/** The text of every note field in the page (the rendered chunks'). */
const noteTexts = (page: Page) => page.locator('.note textarea').evaluateAll((fields) => fields.map((field) => (field as HTMLTextAreaElement).value));

/** The height of the notes list, and of its first chunk (twelve notes). */
const listHeights = (page: Page) =>
  page.locator('[data-chunk="0"]').evaluate((chunk) => ({ list: (chunk.parentElement as HTMLElement).offsetHeight, chunk: (chunk as HTMLElement).offsetHeight }));

describe('the activity re-renders only what changed (issue 12, goal 5), in headless Chromium', () => {
  let e2e: E2eTable;
  const writers: ListWriter[] = [];

  before(async () => {
    e2e = await startE2eTable();
  });

  after(async () => {
    for (const writer of writers) writer.close();
    await e2e?.close();
  });

  /** A table holding `lists`, another player's socket that edits it, and this player's page on `tab`. */
  const tableOn = async (lists: Lists, tab: RegExp): Promise<{ writer: ListWriter; page: Page }> => {
    const writer = await ListWriter.open(e2e.server.url, lists);
    writers.push(writer);
    const page = await player(e2e.browser, 'Reader', `${e2e.server.url}/t/${writer.sessionId}`, { initScript: probeScript });
    await page.getByRole('tab', { name: tab }).click();
    return { writer, page };
  };

  /** The renders of list items that `edit` caused, once `shown` says the page shows its result. */
  const rendersOf = async (page: Page, edit: () => Promise<void>, shown: () => Promise<unknown>) => {
    await takeRenders(page);
    await edit();
    await shown();
    return takeRenders(page);
  };

  it('W3: another player edits one note, one counter, one sheet: only that item renders again, and a change of another list renders no note', async () => {
    const { writer, page } = await tableOn(tableWith(30), /Notes/);
    const notes = page.getByLabel('Note', { exact: true });
    await valueOf(notes.nth(29), 'Note 29', 'the last note');

    const edited = await rendersOf(page, () => writer.edit('notes', 5, (n) => ({ ...n, text: 'Note 5, edited' })), () => valueOf(notes.nth(5), 'Note 5, edited', 'the edited note'));
    assert.deepEqual(edited, { 'note:note-5': 1 });

    // a counter changes while the notes are shown: the notes panel does not even look at it
    const elsewhere = await rendersOf(page, () => writer.edit('counters', 2, (c) => ({ ...c, value: 99 })), () => new Promise((resolve) => setTimeout(resolve, 300)));
    assert.deepEqual(elsewhere, {});

    await page.getByRole('tab', { name: /Counters/ }).click();
    const time = page.getByRole('textbox', { name: 'Counter 3', exact: true });
    await valueOf(time, '3', 'counter 3');
    assert.deepEqual(await rendersOf(page, () => writer.edit('counters', 3, (c) => ({ ...c, value: 4 })), () => valueOf(time, '4', 'counter 3 stepped')), { 'counter:counter-3': 1 });

    await page.getByRole('tab', { name: /Sheets/ }).click();
    const stamina = page.getByRole('textbox', { name: 'Hero 1 Stamina', exact: true });
    await valueOf(stamina, '10', "Hero 1's stamina");
    const stepped = (c: ListItem): ListItem => ({ ...c, stats: [{ id: 'stamina-1', label: 'Stamina', value: 9, initial: 12 }] });
    assert.deepEqual(await rendersOf(page, () => writer.edit('characters', 1, stepped), () => valueOf(stamina, '9', "Hero 1's stamina after the hit")), { 'sheet:char-1': 1 });
  });

  it('W4: a list of 400 notes renders only the chunks near the view; scrolling brings the others, and an edit out of view renders nothing', async () => {
    const { writer, page } = await tableOn(tableWith(400), /Notes/);
    const notes = page.getByLabel('Note', { exact: true });
    await valueOf(notes.first(), 'Note 0', 'the first note');
    const rendered = await notes.count();
    assert.ok(rendered >= 12 && rendered <= 48, `${rendered} notes in the page, of 400`);
    // the scrollbar is true as soon as a chunk is measured: the boxes for the others take its height, not the guess
    await until(() => listHeights(page), ({ list, chunk }) => Math.abs(list - (33 * (chunk + 12) + chunk / 3)) < chunk / 2, 'the list as tall as 33⅓ measured chunks');

    const unseen = await rendersOf(page, () => writer.edit('notes', 398, (n) => ({ ...n, text: 'Note 398, edited' })), () => new Promise((resolve) => setTimeout(resolve, 300)));
    assert.deepEqual(unseen, {});

    // the side panel scrolls to the end: the last chunk is rendered, with the edit made while it was away
    await page.locator('.side-panel').evaluate((panel) => panel.scrollTo(0, panel.scrollHeight));
    await until(() => noteTexts(page), (texts) => texts.includes('Note 399') && texts.includes('Note 398, edited'), 'the last notes rendered after scrolling');
    // the chunks in view come first, the ones scrolled away go at the next observation of the scroll
    await until(() => noteTexts(page), (texts) => !texts.includes('Note 0'), 'the first chunk no longer rendered');
    assert.ok((await notes.count()) <= 48, 'the chunks scrolled away are no longer rendered');
  });

  it('W5: a player typing in a long list keeps their field and caret while others edit other notes and they scroll away and back', async () => {
    const { writer, page } = await tableOn(tableWith(400), /Notes/);
    const field = page.getByLabel('Note', { exact: true }).nth(2);
    await valueOf(field, 'Note 2', 'note 2');
    await field.click();
    await field.evaluate((area: HTMLTextAreaElement) => area.setSelectionRange(4, 4));
    await page.keyboard.type(' two', { delay: 20 });
    await writer.edit('notes', 1, (n) => ({ ...n, text: 'Note 1, edited meanwhile' }));
    await valueOf(page.getByLabel('Note', { exact: true }).nth(1), 'Note 1, edited meanwhile', 'the note edited by the other player');

    const panel = page.locator('.side-panel');
    await panel.evaluate((side) => side.scrollTo(0, side.scrollHeight));
    await until(() => noteTexts(page), (texts) => texts.includes('Note 399'), 'the end of the list');
    await panel.evaluate((side) => side.scrollTo(0, 0));
    // the focused field never left the page: the keys go on where the caret was
    await page.keyboard.type('!', { delay: 20 });
    await valueOf(field, 'Note two! 2', 'note 2 typed into across the scroll');
    assert.deepEqual(await field.evaluate((area: HTMLTextAreaElement) => [area.selectionStart, document.activeElement === area]), [9, true]);
  });
});
