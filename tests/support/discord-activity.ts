import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { build } from 'vite';
import { VoiceSessions } from '../../server/discord/voice-sessions';
import { cspRefusals, launchChromium } from './browser';
import { discordHostPage } from './discord-host-page';
import { APP, SECRET, startDiscordServer, type DiscordTestServer } from './discord-server';
import type { StandInUser } from './discord-stand-in';
import { freePort } from './server-process';

export const GUILD = 'guild-9';

/** Where Discord launches the activity, and how; by default in a voice channel, on a desktop. */
export interface Launch {
  instance: string;
  channelId: string;
  guildId?: string | null;
  platform?: 'desktop' | 'mobile';
  frame?: { width: number; height: number };
  participants?: Array<{ id: string; username: string; nickname?: string; avatar?: string | null }>;
  /** How many times Discord will authorize this user (a code for each). */
  authorizations?: number;
  /** Runs on the page before it opens (e.g. routes). */
  prepare?: (page: Page) => Promise<unknown>;
}

export interface InDiscord {
  page: Page;
  activity: FrameLocator;
  refused: string[];
}

/**
 * The built activity served by the real server (PUBLIC_URL its own origin), the stand-in of
 * Discord's HTTP API, and headless Chromium, where host pages play the Discord client.
 */
export class DiscordActivity {
  app!: DiscordTestServer;
  browser!: Browser;
  private dist = '';

  get server() {
    return this.app.server;
  }

  get discord() {
    return this.app.discord;
  }

  async start(): Promise<this> {
    this.dist = await mkdtemp(path.join(os.tmpdir(), 'gamebook-discord-activity-'));
    await build({ configFile: path.resolve('activity/vite.config.ts'), build: { outDir: this.dist, emptyOutDir: true }, logLevel: 'warn' });
    const port = await freePort();
    this.app = await startDiscordServer({ PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, ACTIVITY_DIST: this.dist });
    this.browser = await launchChromium();
    return this;
  }

  async stop(): Promise<void> {
    await this.browser?.close();
    await this.app?.stop();
    if (this.dist) await rm(this.dist, { recursive: true, force: true });
  }

  /** The table of a channel, as the server derives it. */
  sessionOf(channelId: string, guildId: string | null = GUILD): string {
    return new VoiceSessions(SECRET).idOf(guildId ?? '@me', channelId);
  }

  /** Opens the activity as Discord would, for `user`: the host page, the activity's frame, and what the CSP refuses in it. */
  async open(user: StandInUser, launch: Launch): Promise<InDiscord> {
    const frame = launch.frame ?? { width: 1280, height: 760 };
    const page = await (await this.browser.newContext({ viewport: { width: frame.width + 20, height: frame.height + 40 } })).newPage();
    const refused = cspRefusals(page);
    await launch.prepare?.(page);
    const host = `${this.server.url}/discord-client-stand-in`;
    const guildId = launch.guildId === undefined ? GUILD : launch.guildId;
    const query = new URLSearchParams({
      frame_id: `frame-${user.id}`,
      instance_id: launch.instance,
      platform: launch.platform ?? 'desktop',
      channel_id: launch.channelId,
      ...(guildId ? { guild_id: guildId } : {}),
    });
    const codes = Array.from({ length: launch.authorizations ?? 1 }, () => this.discord.codeFor(user));
    const participants = launch.participants ?? [{ id: user.id, username: user.username }];
    const html = discordHostPage({ activityUrl: `/?${query}`, codes, user, applicationId: APP, participants, frame });
    await page.route(host, (route) => route.fulfill({ contentType: 'text/html', body: html }));
    await page.goto(host);
    return { page, activity: page.frameLocator('#activity'), refused };
  }
}

/** What the activity sent the Discord client so far: `{ cmd, args, evt }` of every command. */
export function sentBy(page: Page): Promise<Array<{ cmd: string; args?: any; evt?: string }>> {
  return page.evaluate(() => (window as any).sent);
}

export function commandsOf(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as any).commands);
}
