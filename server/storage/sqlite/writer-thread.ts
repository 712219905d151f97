import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { StorageError } from '../storage-error';
import type { OpenOptions } from './open-database';
import type { Outcome } from '../write-outcome';
import type { WriteCommand } from './write-commands';
import type { FromWriter, ToWriter } from './writer-worker';

/**
 * Starts the thread on writer-worker.ts from source through tsx's own API: the loader the server
 * runs under from source (`tsx server/main.ts`, `node --import tsx`) registers its hooks on the
 * main thread only, and a worker of Node 20 does not inherit them. Plain CommonJS, so that it
 * runs before any TypeScript.
 */
const BOOT = `
const { workerData } = require('node:worker_threads');
import(workerData.tsx).then(({ tsImport }) => tsImport(workerData.entry, workerData.entry));
`;

/**
 * The writer thread of a server built by `npm run build:server` (dist/server/, where the worker
 * is writer-worker.js beside main.js), or of one run from source under tsx.
 */
function startWriter(options: OpenOptions): Worker {
  if (import.meta.url.endsWith('.js')) return new Worker(new URL('./writer-worker.js', import.meta.url), { workerData: options });
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = fileURLToPath(new URL('./writer-worker.ts', import.meta.url));
  return new Worker(BOOT, { eval: true, workerData: { ...options, tsx, entry } });
}

interface Sent {
  resolve: (outcomes: Outcome[]) => void;
  reject: (error: StorageError) => void;
}

/**
 * The event loop's handle on the writer thread (writer-worker.ts): posts batches of write commands
 * and resolves each with its outcomes once the thread has committed it. A thread that dies fails
 * every batch it held, and every later one, with `storage-failed`: a write is never left waiting,
 * and never acknowledged without its commit.
 */
export class WriterThread {
  private readonly worker: Worker;
  private readonly sent = new Map<number, Sent>();
  private nextId = 1;
  /** Why the thread is gone, once it is. */
  private gone: StorageError | undefined;
  private stopping = false;
  private readonly exited: Promise<void>;

  constructor(options: OpenOptions) {
    this.worker = startWriter(options);
    let crash: unknown;
    this.worker.on('error', (error) => {
      crash = error;
    });
    this.worker.on('message', (message: FromWriter) => this.settle(message));
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', (code) => {
        const reason = crash instanceof Error ? crash.message : `exit code ${code}`;
        this.fail(
          this.stopping
            ? new StorageError('storage-closed', 'the store is closed')
            : new StorageError('storage-failed', `the SQLite writer thread stopped (${reason}); nothing more can be written`, { cause: crash }),
        );
        resolve();
      });
    });
    // idle, it must not keep a stopping process alive; a batch under way does (see send)
    this.worker.unref();
  }

  /** The outcome of each command, in order, once their transaction has committed (or failed). */
  send(commands: WriteCommand[]): Promise<Outcome[]> {
    if (this.gone) return Promise.reject(this.gone);
    const id = this.nextId++;
    return new Promise<Outcome[]>((resolve, reject) => {
      this.sent.set(id, { resolve, reject });
      if (this.sent.size === 1) this.worker.ref();
      this.post({ type: 'batch', id, commands });
    });
  }

  /** Lets SQLite checkpoint in the writer's commits again (when the checkpointer thread fails). */
  checkpointInCommits(): void {
    if (!this.gone) this.post({ type: 'autoCheckpoint' });
  }

  /** Closes the thread's connection once the batches sent are done, and waits for it to end. */
  async stop(): Promise<void> {
    if (!this.gone) {
      this.stopping = true;
      this.worker.ref();
      this.post({ type: 'stop' });
    }
    await this.exited;
  }

  private post(message: ToWriter): void {
    this.worker.postMessage(message);
  }

  private settle({ id, outcomes }: FromWriter): void {
    const sent = this.sent.get(id);
    if (!sent) return;
    this.sent.delete(id);
    if (this.sent.size === 0 && !this.stopping) this.worker.unref();
    sent.resolve(outcomes);
  }

  private fail(error: StorageError): void {
    this.gone = error;
    for (const { reject } of this.sent.values()) reject(error);
    this.sent.clear();
  }
}
