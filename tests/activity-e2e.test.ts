import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { screenshot, textOf, until, valueOf } from './support/browser';
import { createTable, player as newPlayer, startE2eTable, type E2eTable } from './support/e2e-table';
import type { TestServer } from './support/harness';

const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

describe('the activity in headless Chromium, two players against the real server', () => {
  let e2e: E2eTable;
  let server: TestServer;
  let browser: Browser;
  let host: Page;
  let guest: Page;
  let link: string;

  before(async () => {
    e2e = await startE2eTable();
    server = e2e.server;
    browser = e2e.browser;
  });

  after(async () => {
    await e2e?.close();
  });

  const player = (name: string, url: string, options?: BrowserContextOptions) => newPlayer(browser, name, url, options);

  const tab = (page: Page, name: string) => page.getByRole('tab', { name: new RegExp(name) }).click();
  const connection = (page: Page) => page.getByRole('status', { name: 'Connection' });
  const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - innerWidth);

  it('E1: the host creates a table and a second player joins by its link', async () => {
    host = await player('Hana', server.url);
    link = await createTable(host);
    assert.equal(link, host.url());
    guest = await player('Gil', link);
    await guest.waitForURL(link);
    await tab(host, 'Players');
    await textOf(host.getByRole('list', { name: 'Players at the table' }), /Gil[\s\S]*|Hana[\s\S]*host/, 'both players listed');
    await textOf(host.getByRole('tab', { name: /Players/ }), /2/, 'two at the table');
    // the join link is asked of the server once the table is open: the button shows before it comes
    const share = guest.getByRole('button', { name: 'Share link' }).first();
    const guestLink = await until(() => share.getAttribute('data-link'), (value) => value !== null, "the guest's join link", 5000);
    assert.equal(guestLink, link, 'a player at the table shares the same link as the host');
    await textOf(connection(guest), /In sync/, 'guest in sync');
  });

  it('E2: counters, sheets, notes and dice made in one browser appear in the other', async () => {
    await tab(host, 'Counters');
    await host.getByLabel('New counter').fill('Time');
    await host.getByLabel('New counter').press('Enter');
    for (let i = 0; i < 3; i++) await host.getByRole('button', { name: 'Time plus one' }).click();
    await tab(guest, 'Counters');
    await valueOf(guest.getByRole('textbox', { name: 'Time', exact: true }), '3', "guest's Time counter");

    // each adds a sheet, then both edit their own sheet at the same moment: both edits survive
    await tab(guest, 'Sheets');
    await guest.getByRole('button', { name: '+ Character' }).click();
    await guest.getByLabel('Character name').first().fill('Gil the Bold');
    await tab(host, 'Sheets');
    await host.getByRole('article', { name: 'Sheet of Gil the Bold' }).waitFor();
    await host.getByRole('button', { name: '+ Character' }).click();
    await host.getByLabel('Character name').nth(1).fill('Hana Swift');
    await guest.getByRole('article', { name: 'Sheet of Hana Swift' }).waitFor();
    await Promise.all([
      guest.getByRole('textbox', { name: 'Gil the Bold Skill', exact: true }).fill('11'),
      host.getByRole('textbox', { name: 'Hana Swift gold', exact: true }).fill('25'),
    ]);
    for (const page of [host, guest]) {
      await valueOf(page.getByRole('textbox', { name: 'Gil the Bold Skill', exact: true }), '11', 'skill on both');
      await valueOf(page.getByRole('textbox', { name: 'Hana Swift gold', exact: true }), '25', 'gold on both');
    }
    await guest.getByLabel('New possession for Gil the Bold').fill('Lantern');
    await guest.getByLabel('New possession for Gil the Bold').press('Enter');
    await textOf(host.getByRole('article', { name: 'Sheet of Gil the Bold' }), /Lantern/, 'possession on the host');

    await tab(host, 'Notes');
    await host.getByRole('button', { name: '+ Note' }).click();
    await host.getByLabel('Note', { exact: true }).fill('Turn to 42 if you carry the lantern');
    await tab(guest, 'Notes');
    await valueOf(guest.getByLabel('Note', { exact: true }), 'Turn to 42 if you carry the lantern', "guest's note");

    await tab(guest, 'Dice');
    await guest.getByLabel('Dice to roll').fill('2d6 + 1');
    await guest.getByRole('button', { name: 'Roll' }).click();
    await tab(host, 'Dice');
    const entry = await textOf(host.getByRole('list', { name: 'Dice log' }), /Gil rolled 2d6\+1/, 'the roll on the host');
    const total = Number(/^(\d+)/.exec(entry.trim())?.[1]);
    assert.ok(total >= 3 && total <= 13, `a 2d6+1 total, got ${total}`);
    await screenshot(host, 'host-dice');
    await tab(host, 'Sheets');
    assert.equal(await overflow(host), 0, 'nothing is wider than the window');
    await screenshot(host, 'host-sheets');
  });

  it('E3: a reload keeps everything', async () => {
    await guest.reload();
    await tab(guest, 'Counters');
    await valueOf(guest.getByRole('textbox', { name: 'Time', exact: true }), '3', 'counter after reload');
    await tab(guest, 'Sheets');
    await valueOf(guest.getByRole('textbox', { name: 'Gil the Bold Skill', exact: true }), '11', 'sheet after reload');
    await tab(guest, 'Notes');
    await valueOf(guest.getByLabel('Note', { exact: true }), 'Turn to 42 if you carry the lantern', 'note after reload');
    await tab(guest, 'Dice');
    await textOf(guest.getByRole('list', { name: 'Dice log' }), /Gil rolled 2d6\+1/, 'dice log after reload');
    assert.match(guest.url(), /\/t\//, 'still at the table');
  });

  it('E4: an edit made while the server is down arrives once it is back', async () => {
    const port = server.port;
    await server.stop();
    await textOf(connection(host), /Offline/, 'host sees it is offline');
    await tab(guest, 'Counters');
    await tab(host, 'Counters');
    await host.getByRole('button', { name: 'Time plus one' }).click();
    await textOf(connection(host), /1 edit waiting/, 'the edit waits');
    await screenshot(host, 'host-offline');
    server = await e2e.restart(port);
    await valueOf(guest.getByRole('textbox', { name: 'Time', exact: true }), '4', 'the offline edit reaches the guest', 20_000);
    await textOf(connection(host), /In sync/, 'host back in sync', 20_000);
  });

  it('E5: a phone-sized screen shows one panel at a time with a bottom tab bar', async () => {
    const phone = await player('Pia', link, PHONE);
    await phone.waitForURL(link);
    await textOf(connection(phone), /In sync/, 'phone in sync');
    const bar = await phone.getByRole('tablist', { name: 'Panels' }).boundingBox();
    assert.ok(bar && bar.y + bar.height >= 844 - 2 && bar.width >= 380, `the tab bar sits at the bottom, full width: ${JSON.stringify(bar)}`);
    await phone.getByRole('tab', { name: /Book/ }).tap();
    await textOf(phone.getByRole('region', { name: 'Book' }), /No book is open yet/, 'book placeholder');
    await phone.getByRole('tab', { name: /Counters/ }).tap();
    assert.equal(await phone.getByRole('region', { name: 'Book' }).isVisible(), false, 'one panel at a time');
    await phone.getByRole('button', { name: 'Time plus one' }).tap();
    await valueOf(host.getByRole('textbox', { name: 'Time', exact: true }), '5', 'the phone tap reaches the host');
    await phone.getByRole('tab', { name: /Sheets/ }).tap();
    await screenshot(phone, 'phone-sheets');
    assert.equal(await overflow(phone), 0, 'nothing is wider than the phone');
    await until(() => host.getByRole('tab', { name: /Players/ }).innerText(), (text) => /3/.test(text), 'three at the table');
  });

  it('E6: an edit made offline outlives its page: the next page of the table sends it (S17)', async () => {
    const port = server.port;
    await server.stop();
    await textOf(connection(host), /Offline/, 'host sees it is offline');
    await tab(host, 'Counters');
    await host.getByRole('button', { name: 'Time plus one' }).click();
    await textOf(connection(host), /1 edit waiting/, 'the edit waits');
    // the tab goes away while the server is down; the page that comes back is a new one
    await host.goto('about:blank');
    server = await e2e.restart(port);
    await host.goto(link);
    await valueOf(guest.getByRole('textbox', { name: 'Time', exact: true }), '6', 'the edit of the page that went away reaches the guest', 20_000);
    await textOf(connection(host), /In sync/, 'the new page in sync', 20_000);
  });
});
