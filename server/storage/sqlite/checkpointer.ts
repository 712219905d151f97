import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';
import { backgroundNice } from './thread-priority';

/** How often the worker folds the WAL into the database file. */
const CHECKPOINT_EVERY_MS = 250;

/**
 * The worker's code, plain CommonJS so that it runs whatever loader the server was started with:
 * its own connection to the file, a PASSIVE checkpoint (which never blocks the writer) every
 * interval, with `synchronous = NORMAL` so the WAL is fsynced before pages are copied out of it;
 * below the event loop's priority where it can be (as thread-priority.ts's lowerThisThread, which
 * this plain source cannot import).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const os = require('node:os');
try {
  if (workerData.nice !== undefined && os.getPriority(0) < workerData.nice) os.setPriority(0, workerData.nice);
} catch (error) {
  process.emitWarning("the checkpointer keeps the event loop's priority: " + error.message, { code: 'GAMEBOOK_THREAD_PRIORITY' });
}
const Database = require(workerData.module);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
db.pragma('synchronous = NORMAL');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    if (error && error.code !== 'SQLITE_BUSY') throw error;
  }
}, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * Checkpoints off the event loop (W5). SQLite's auto-checkpoint runs inside the COMMIT that
 * passes 1,000 pages of WAL, on the connection's thread, and fsyncs the WAL and the database:
 * under a crowd, several stalls of tens of milliseconds a second for every table on the node.
 * The connections turn it off and this worker thread checkpoints instead; should the worker
 * fail, `onFailure` brings the writer's auto-checkpoint back, so the WAL never grows without bound.
 */
export class Checkpointer {
  private readonly worker: Worker;
  private stopped = false;
  private readonly exited: Promise<unknown>;

  constructor(db: Database, file: string, onFailure: () => void) {
    db.pragma('wal_autocheckpoint = 0');
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, module, everyMs: CHECKPOINT_EVERY_MS, nice: backgroundNice() } });
    this.exited = new Promise((resolve) => this.worker.once('exit', resolve));
    this.worker.on('error', () => {
      if (!this.stopped) onFailure();
    });
    // the worker must not keep a stopping process alive
    this.worker.unref();
  }

  /** Stops checkpointing and closes the worker's connection (before the server's own final checkpoint). */
  async stop(): Promise<void> {
    this.stopped = true;
    // held while it closes its connection: waiting for that is what keeps the process going now
    this.worker.ref();
    this.worker.postMessage('stop');
    await this.exited;
  }
}
