import type { Page } from 'playwright-core';
import { until } from './browser';

/** Waits until the book's page stage says it drew what `expected` matches (`<pdfId>/<page>@<scale>`). */
export function rendered(page: Page, expected: RegExp, what: string, timeoutMs = 20_000): Promise<string | null> {
  return until(() => page.locator('.page-stage').getAttribute('data-rendered', { timeout: 1000 }), (value) => expected.test(value ?? ''), what, timeoutMs);
}
