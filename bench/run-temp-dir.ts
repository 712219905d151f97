import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Puts every temporary folder of this run (the suites' and those of the processes they start,
 * which inherit TMPDIR; os.tmpdir() reads it at each call) inside one folder, removed when the
 * run ends, stopped by SIGINT or SIGTERM too: a suite's own clean-up does not run then, and each
 * stopped run used to leave its servers' data folders behind. Returns that folder.
 */
export function useRunTempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gamebook-bench-run-'));
  process.env.TMPDIR = dir;
  // a server process of the run may still be writing there as it stops with its parent
  process.on('exit', () => rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));
  return dir;
}
