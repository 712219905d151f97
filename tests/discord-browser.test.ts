import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { build } from 'vite';
import { JoinLinks } from '../server/discord/join-links';
import { VoiceSessions } from '../server/discord/voice-sessions';
import { cspRefusals, launchChromium, textOf, until, valueOf } from './support/browser';
import { discordHostPage } from './support/discord-host-page';
import { interactionKeys } from './support/discord-interactions';
import { DiscordStandIn } from './support/discord-stand-in';
import { startTestServer, type TestServer } from './support/harness';

const APP = '100000000000000002';
const SECRET = 'browser-test-secret-that-is-long-enough';
const INSTANCE = 'i-1234-gc-voice';
const ALICE_AVATAR = '8342729096ea3675442027381ff50dfe';

describe('the activity inside Discord (headless Chromium, SDK frame messages played by a host page)', () => {
  const discord = new DiscordStandIn(APP, 'bot-token-browser', 'client-secret-browser');
  let dist: string;
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    dist = await mkdtemp(path.join(os.tmpdir(), 'gamebook-discord-activity-'));
    await build({ configFile: path.resolve('activity/vite.config.ts'), build: { outDir: dist, emptyOutDir: true }, logLevel: 'warn' });
    await discord.start();
    discord.instances.set(INSTANCE, { users: ['alice-id', 'bob-id'], channelId: 'voice-9', guildId: 'guild-9' });
    server = await startTestServer({
      ACTIVITY_DIST: dist,
      SESSION_SECRET: SECRET,
      DISCORD_CLIENT_ID: APP,
      DISCORD_CLIENT_SECRET: 'client-secret-browser',
      DISCORD_BOT_TOKEN: 'bot-token-browser',
      DISCORD_PUBLIC_KEY: interactionKeys().publicKeyHex,
      DISCORD_API_BASE: discord.apiBase,
      DISCORD_GATEWAY: 'off',
    });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await discord.stop();
    if (dist) await rm(dist, { recursive: true, force: true });
  });

  /**
   * Opens the activity as Discord would, for `user`: the host page, the activity's frame, and what
   * the server's Content-Security-Policy refuses in it.
   */
  async function openInDiscord(user: { id: string; username: string }): Promise<{ page: Page; activity: FrameLocator; refused: string[] }> {
    const page = await (await browser.newContext({ viewport: { width: 1300, height: 800 } })).newPage();
    const refused = cspRefusals(page);
    const host = `${server.url}/discord-client-stand-in`;
    const activityUrl = `/?frame_id=frame-${user.id}&instance_id=${INSTANCE}&platform=desktop&guild_id=guild-9&channel_id=voice-9`;
    const participants = [
      { id: 'alice-id', username: 'alice', nickname: 'Alice the Brave', avatar: ALICE_AVATAR },
      { id: 'bob-id', username: 'bob' },
    ];
    const html = discordHostPage({ activityUrl, code: discord.codeFor(user), user, applicationId: APP, participants });
    await page.route(host, (route) => route.fulfill({ contentType: 'text/html', body: html }));
    await page.goto(host);
    return { page, activity: page.frameLocator('#activity'), refused };
  }

  it('two users of the instance land at the voice channel table and see each other (named from the participants list) and their edits', async () => {
    const alice = await openInDiscord({ id: 'alice-id', username: 'alice' });
    const bob = await openInDiscord({ id: 'bob-id', username: 'bob' });
    const sessionId = new VoiceSessions(SECRET).idOf('guild-9', 'voice-9');
    await until(() => alice.page.evaluate(() => (window as any).commands as string[]), (seen) => seen.includes('AUTHENTICATE'), 'the SDK handshake');
    await until(async () => (await server.registry.get(sessionId)).meta.hostId, (hostId) => hostId === 'discord:alice-id', 'the table of the voice channel');

    for (const { activity } of [alice, bob]) await activity.getByRole('tab', { name: /Players/ }).click();
    const players = alice.activity.getByRole('list', { name: 'Players at the table' });
    await textOf(players, /Alice the Brave[\s\S]*bob|bob[\s\S]*Alice the Brave/, 'both players listed, named as in Discord');
    // Alice's Discord avatar, through the proxy's /discord-cdn mapping; the test has no such mapping,
    // so the image fails to load and her initials stay. Bob has no avatar hash (and no snowflake id): initials only.
    const aliceFace = players.locator('li', { hasText: 'Alice the Brave' }).locator('.avatar');
    const expectedSrc = `/discord-cdn/avatars/alice-id/${ALICE_AVATAR}.png?size=64`;
    await until(() => aliceFace.locator('img').getAttribute('src', { timeout: 1000 }), (src) => src === expectedSrc, "Alice's avatar");
    await until(() => aliceFace.locator('img').evaluate((img) => (img as HTMLImageElement).hidden, undefined, { timeout: 1000 }), (hidden) => hidden, 'the avatar that failed to load hidden');
    await textOf(aliceFace, /^AT$/, "Alice's initials in place of the avatar that failed");
    assert.ok(await aliceFace.isVisible());
    assert.equal(await players.locator('li', { hasText: 'bob' }).locator('img').count(), 0);

    await alice.activity.getByRole('tab', { name: /Counters/ }).click();
    await alice.activity.getByLabel('New counter').fill('Gold');
    await alice.activity.getByLabel('New counter').press('Enter');
    await alice.activity.getByRole('button', { name: 'Gold plus one' }).click();
    await bob.activity.getByRole('tab', { name: /Counters/ }).click();
    await valueOf(bob.activity.getByRole('textbox', { name: 'Gold', exact: true }), '1', "Bob's Gold counter");
    assert.ok(alice.page.url().endsWith('/discord-client-stand-in'));
    assert.deepEqual([...alice.refused, ...bob.refused], [], 'the SDK and the table work under the policy');
  });

  it('a browser opens the bot\'s join link and lands at the voice channel table; an expired link is refused', async () => {
    const sessionId = new VoiceSessions(SECRET).idOf('guild-9', 'voice-9');
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${server.url}/join/${new JoinLinks(SECRET, 60_000, server.url).invite(sessionId).invite}`);
    await page.getByLabel('Your name').fill('Wanda');
    await page.getByRole('button', { name: /Continue|Join the table/ }).click();
    await page.waitForURL(new RegExp(`/t/${sessionId}$`));

    const late = await (await browser.newContext()).newPage();
    await late.goto(`${server.url}/join/${new JoinLinks(SECRET, -1, server.url).invite(sessionId).invite}`);
    await late.getByLabel('Your name').fill('Lou');
    await late.getByRole('button', { name: /Continue|Join the table/ }).click();
    await textOf(late.getByRole('alert'), /not valid or has expired/, 'the refusal');
    assert.ok(!late.url().includes('/t/'));
  });

  it('a user the instance does not list is refused with a clear message', async () => {
    const mallory = await openInDiscord({ id: 'mallory-id', username: 'mallory' });
    await textOf(mallory.activity.getByRole('alert'), /Discord sign-in failed: you are not in this activity/, 'the refusal');
    const commands = await mallory.page.evaluate(() => (window as any).commands as string[]);
    assert.ok(!commands.includes('AUTHENTICATE'), 'no authenticate without our token');
  });
});
