import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const SECTOR_BYTES = 512;
const LOOK_EVERY_MS = 500;

/** Bytes written to the machine's block devices so far (Linux's /proc/diskstats); undefined elsewhere. */
async function bytesWritten(): Promise<number | undefined> {
  const text = await readFile('/proc/diskstats', 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  let sectors = 0;
  // a partition counts again inside its disk: only the sum's growth is read
  for (const line of text.split('\n')) sectors += Number(line.trim().split(/\s+/)[9] ?? 0) || 0;
  return sectors * SECTOR_BYTES;
}

export interface QuietDisk {
  /** Whether the disks went quiet before the time allowed ran out. */
  quiet: boolean;
  waitedMs: number;
}

/**
 * Flushes what earlier work left to write (`sync`), then waits until the disks take less than
 * `maxBytesPerSecond` for a whole look (or `maxWaitMs` pass). A crowd window run right after the
 * A → B suite paid for its fsyncs and PostgreSQL's writes: the server's first window was its worst
 * in most full runs (ack p99 86 to 351 ms against 15 to 25 in the windows after), while the relay,
 * which writes nothing, did not notice. Every window of every path waits alike.
 */
export async function waitForQuietDisk(maxBytesPerSecond = 2 ** 20, maxWaitMs = 30_000): Promise<QuietDisk> {
  const start = performance.now();
  await promisify(execFile)('sync').catch(() => undefined);
  let before = await bytesWritten();
  while (before !== undefined && performance.now() - start < maxWaitMs) {
    await sleep(LOOK_EVERY_MS);
    const after = await bytesWritten();
    if (after === undefined) break;
    if (((after - before) * 1000) / LOOK_EVERY_MS <= maxBytesPerSecond) return { quiet: true, waitedMs: performance.now() - start };
    before = after;
  }
  return { quiet: before === undefined, waitedMs: performance.now() - start };
}
