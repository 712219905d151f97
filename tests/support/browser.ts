import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

/** Debian's Chromium, never a downloaded one; CHROMIUM_PATH points elsewhere if need be. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The flags this machine needs as root and offline. Playwright gives every launch a fresh
 * profile directory of its own (it refuses --user-data-dir for a plain launch).
 */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // a page may call gc(): a benchmark starts each sample from a collected heap
  '--js-flags=--expose-gc',
];

export const ARTIFACTS = path.resolve('test-artifacts');

export async function launchChromium(): Promise<Browser> {
  await mkdir(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

/** What Chromium refuses from now on in `page` and its frames under a Content-Security-Policy, as it logs it. */
export function cspRefusals(page: Page): string[] {
  const refused: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
  });
  return refused;
}

export async function screenshot(page: Page, name: string, file = path.join(ARTIFACTS, `${name}.png`)): Promise<void> {
  await page.screenshot({ path: file, animations: 'disabled' });
}

/** Polls until `read` yields `expected` (what a player would wait to see), failing after `timeoutMs`. */
export async function until<T>(read: () => Promise<T>, expected: (value: T) => boolean, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await read().catch(() => undefined as T);
    if (last !== undefined && expected(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function valueOf(locator: Locator, expected: string, what: string, timeoutMs?: number): Promise<string> {
  return until(() => locator.inputValue({ timeout: 1000 }), (value) => value === expected, `${what} = ${expected}`, timeoutMs);
}

export function textOf(locator: Locator, expected: RegExp, what: string, timeoutMs?: number): Promise<string> {
  return until(() => locator.innerText({ timeout: 1000 }), (text) => expected.test(text), `${what} ~ ${expected}`, timeoutMs);
}
