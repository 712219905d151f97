import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { textOf, until, valueOf } from './support/browser';
import { createTable, player, startE2eTable, type E2eTable } from './support/e2e-table';
import { closeAll, join, player as socketPlayer } from './support/table';

/** Typing as a person does, key by key, so that both players' keystrokes interleave in time. */
const KEY_DELAY_MS = 40;

describe('concurrent edits in headless Chromium: two players keep what each meant (issue 9)', () => {
  let e2e: E2eTable;

  before(async () => {
    e2e = await startE2eTable();
  });

  after(async () => {
    await e2e?.close();
  });

  /** A fresh table per test: the host made it, the guest joined by its link, both on `tab`. */
  const twoPlayersOn = async (tab: string) => {
    const host = await player(e2e.browser, 'Hana', e2e.server.url);
    const link = await createTable(host);
    const guest = await player(e2e.browser, 'Gil', link);
    await guest.waitForURL(link);
    for (const page of [host, guest]) await page.getByRole('tab', { name: new RegExp(tab) }).click();
    return { host, guest, sessionId: new URL(link).pathname.split('/').pop() ?? '' };
  };

  const inSync = (page: Page) => textOf(page.getByRole('status', { name: 'Connection' }), /In sync/, 'no edit waiting');

  /** The state the server holds, as a player joining now receives it. */
  const serverState = async (sessionId: string) => {
    const reader = await socketPlayer(e2e.server.url, 'Reader');
    try {
      return (await join(reader, sessionId)).state;
    } finally {
      closeAll([reader]);
    }
  };

  /** A note both see, holding `text`, with the note field of each. */
  const sharedNote = async (host: Page, guest: Page, text: string): Promise<[Locator, Locator]> => {
    await host.getByRole('button', { name: '+ Note' }).click();
    const [hostNote, guestNote] = [host, guest].map((page) => page.getByLabel('Note', { exact: true })) as [Locator, Locator];
    await hostNote.fill(text);
    await valueOf(guestNote, text, "the guest's note");
    return [hostNote, guestNote];
  };

  const caretOf = (note: Locator) => note.evaluate((field: HTMLTextAreaElement) => [field.selectionStart, field.selectionEnd]);

  it('12 concurrent +1 clicks give +12 on both screens', async () => {
    const { host, guest, sessionId } = await twoPlayersOn('Counters');
    await host.getByLabel('New counter').fill('Time');
    await host.getByLabel('New counter').press('Enter');
    await valueOf(guest.getByRole('textbox', { name: 'Time', exact: true }), '0', "the guest's counter");

    await Promise.all(
      [host, guest].map(async (page) => {
        for (let i = 0; i < 6; i++) await page.getByRole('button', { name: 'Time plus one' }).click();
      }),
    );

    for (const page of [host, guest]) await valueOf(page.getByRole('textbox', { name: 'Time', exact: true }), '12', 'the counter on each screen');
    await Promise.all([host, guest].map(inSync));
    const counters = (await serverState(sessionId)).counters as Array<{ label: string; value: number }>;
    assert.deepEqual(counters.map(({ label, value }) => [label, value]), [['Time', 12]]);
  });

  it('two players typing at the two ends of one note at once both keep their words', async () => {
    const { host, guest } = await twoPlayersOn('Notes');
    const [hostNote, guestNote] = await sharedNote(host, guest, 'the map');
    await hostNote.focus();
    await host.keyboard.press('Control+End');
    await guestNote.focus();
    await guest.keyboard.press('Control+Home');

    await Promise.all([
      host.keyboard.type(' is torn at the river', { delay: KEY_DELAY_MS }),
      guest.keyboard.type('Old and faded: ', { delay: KEY_DELAY_MS }),
    ]);

    const both = 'Old and faded: the map is torn at the river';
    await valueOf(hostNote, both, "the host's note");
    await valueOf(guestNote, both, "the guest's note");
  });

  it('the caret of a player who is typing stays where it was when the other\'s text arrives', async () => {
    const { host, guest } = await twoPlayersOn('Notes');
    const [hostNote, guestNote] = await sharedNote(host, guest, 'the map');
    // the host's caret goes before "map", as a player moves it with the arrow keys
    await hostNote.focus();
    await host.keyboard.press('Control+Home');
    for (let i = 0; i < 4; i++) await host.keyboard.press('ArrowRight');
    await until(() => caretOf(hostNote), ([start, end]) => start === 4 && end === 4, "the host's caret before 'map'");

    await guestNote.focus();
    await guest.keyboard.press('Control+Home');
    await guest.keyboard.type('Old: ', { delay: KEY_DELAY_MS });
    await valueOf(hostNote, 'Old: the map', "the guest's words on the host's screen");
    assert.deepEqual(await caretOf(hostNote), [9, 9], 'moved by exactly the 5 characters inserted before it');

    await guest.keyboard.press('Control+End');
    await guest.keyboard.type(' (torn)', { delay: KEY_DELAY_MS });
    await valueOf(hostNote, 'Old: the map (torn)', "the guest's later words on the host's screen");
    assert.deepEqual(await caretOf(hostNote), [9, 9], 'text inserted after the caret leaves it in place');

    await host.keyboard.type('old ', { delay: KEY_DELAY_MS });
    for (const note of [hostNote, guestNote]) await valueOf(note, 'Old: the old map (torn)', 'the host typed where the caret was');
  });
});
