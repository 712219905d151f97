import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { build } from 'vite';
import { launchChromium, until } from './browser';
import { startTestServer, type TestServer } from './harness';
import { freePort } from './server-process';

/** The built activity served by the real server (SQLite in a kept folder), and a headless Chromium. */
export interface E2eTable {
  server: TestServer;
  browser: Browser;
  env: Record<string, string>;
  /** Starts the server again on `port` with the same data and secret (after `server.stop()`). */
  restart(port: number): Promise<TestServer>;
  close(): Promise<void>;
}

export async function startE2eTable(): Promise<E2eTable> {
  const dist = await mkdtemp(path.join(os.tmpdir(), 'gamebook-activity-'));
  await build({ configFile: path.resolve('activity/vite.config.ts'), build: { outDir: dist, emptyOutDir: true }, logLevel: 'warn' });
  // a fixed secret: the players' tokens stay valid across a server restart
  // SQLite in a kept folder, so a restarted server finds the table again
  // a known port, so that PUBLIC_URL (the origin of the join links the server hands out) is ours
  const port = await freePort();
  const env = {
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    ACTIVITY_DIST: dist,
    SESSION_SECRET: 'e2e-secret-that-is-long-enough-for-the-config',
    STORAGE: 'sqlite',
    DATA_DIR: await mkdtemp(path.join(os.tmpdir(), 'gamebook-e2e-data-')),
  };
  const table: E2eTable = {
    server: await startTestServer(env),
    browser: await launchChromium(),
    env,
    restart: async (port) => (table.server = await startTestServer({ ...env, PORT: String(port) })),
    close: async () => {
      await table.browser.close();
      await table.server.stop();
      await rm(dist, { recursive: true, force: true });
      await rm(env.DATA_DIR, { recursive: true, force: true });
    },
  };
  return table;
}

/** A new player in a context of their own: opens `url` and gives their name. */
export async function player(browser: Browser, name: string, url: string, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  const page = await context.newPage();
  await page.goto(url);
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: /Continue|Join the table/ }).click();
  return page;
}

/** The host creates a table; returns its join link, once the server has handed it to the share button. */
export async function createTable(host: Page): Promise<string> {
  await host.getByRole('button', { name: 'Create a table' }).click();
  await host.waitForURL(/\/t\/[A-Za-z0-9_-]+$/);
  const share = host.getByRole('button', { name: 'Share link' }).first();
  return until(() => share.getAttribute('data-link', { timeout: 1000 }), (link) => !!link, 'the join link') as Promise<string>;
}
