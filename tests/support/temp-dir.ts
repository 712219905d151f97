import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';

/** A fresh folder under the system's temp dir, removed when the calling test file ends. */
export async function tempDir(prefix = 'gamebook-'): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  // a server of the test may still be writing there (its stop is a hook of its own): retry a folder that refills
  after(() => rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
  return dir;
}
