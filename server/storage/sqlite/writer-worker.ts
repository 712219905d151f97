import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { configure, type OpenOptions } from './open-database';
import type { Outcome } from '../write-outcome';
import { backgroundNice, lowerThisThread } from './thread-priority';
import { WriteCommands, type WriteCommand } from './write-commands';

/** What the event loop's side (writer-thread.ts) posts to this thread. */
export type ToWriter = { type: 'batch'; id: number; commands: WriteCommand[] } | { type: 'autoCheckpoint' } | { type: 'stop' };

/** A batch's outcomes, posted only once its COMMIT has returned (with `synchronous = FULL`, once fsynced). */
export interface FromWriter {
  id: number;
  outcomes: Outcome[];
}

/**
 * The SQLite writer thread: its own connection to the database the server opened (checked and
 * migrated), every write of every SQLite store run here, so that neither the transactions nor their
 * fsync run on the event loop. A batch is committed in one transaction; when that fails, each
 * command is tried again alone, so that one bad write fails alone and the others still commit.
 */
const port = parentPort;
if (!port) throw new Error('writer-worker.ts runs as a worker thread');
const options = workerData as OpenOptions;
lowerThisThread(backgroundNice());
const db = new BetterSqlite3(options.file);
configure(db, options);
// checkpoints are the checkpointer thread's (checkpointer.ts), never inside a commit here
db.pragma('wal_autocheckpoint = 0');
const writes = new WriteCommands(db);

function runBatch(commands: readonly WriteCommand[]): Outcome[] {
  if (commands.length > 1) {
    try {
      return writes.runTogether(commands).map((value) => ({ ok: true, value }));
    } catch {
      // not reported here: each write is tried again alone and reports its own failure
    }
  }
  return commands.map((command) => writes.runAlone(command));
}

port.on('message', (message: ToWriter) => {
  switch (message.type) {
    case 'batch':
      // anything thrown here ends the thread: WriterThread then fails every write it held
      port.postMessage({ id: message.id, outcomes: runBatch(message.commands) } satisfies FromWriter);
      return;
    case 'autoCheckpoint':
      // the checkpointer thread failed: SQLite's own checkpoint keeps the WAL from growing without bound
      db.pragma('wal_autocheckpoint = 1000');
      return;
    case 'stop':
      db.close();
      port.close();
      return;
  }
});
