import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/**
 * Makes committed WAL frames durable off the event loop: an fdatasync of the `-wal` file on
 * libuv's thread pool, where SQLite's `synchronous = FULL` would fsync inside COMMIT, on the
 * thread every table shares. Callers arriving while one sync runs share the next one, so a busy
 * server pays one flush per round, whatever the number of commits in it.
 */
export class WalSync {
  private handle: FileHandle | undefined;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  constructor(private readonly walFile: string) {}

  /** Resolves once every frame written to the WAL before this call is on disk. */
  sync(): Promise<void> {
    if (this.queued) return this.queued;
    if (!this.running) return this.start();
    // the one running may have begun before this caller's commit: the next one covers it
    this.queued = this.running.then(
      () => this.startQueued(),
      () => this.startQueued(),
    );
    return this.queued;
  }

  /** Waits for the syncs under way, then lets go of the file (before the database closes it). */
  async close(): Promise<void> {
    await Promise.allSettled([this.running, this.queued]);
    await this.handle?.close();
    this.handle = undefined;
  }

  private startQueued(): Promise<void> {
    this.queued = undefined;
    return this.start();
  }

  private start(): Promise<void> {
    const run = this.datasync().finally(() => {
      if (this.running === run) this.running = undefined;
    });
    this.running = run;
    return run;
  }

  private async datasync(): Promise<void> {
    if (this.handle) return this.handle.datasync();
    // opened on first use, once SQLite has created the file; its folder entry is made durable once
    this.handle = await open(this.walFile, 'r');
    await this.handle.datasync();
    await syncFolderOf(this.walFile);
  }
}

async function syncFolderOf(file: string): Promise<void> {
  const folder = await open(path.dirname(file), 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}
