import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { sqliteCode, StorageError } from '../storage-error';
import { migrate } from './migrations';

/**
 * How far a commit goes before the store resolves it:
 * - `full`: the WAL is fsynced in every commit, before the write resolves: an acknowledged
 *   update survives a process crash, `kill -9`, an OS crash and a power loss (on a disk that
 *   honours fsync). SQLite's own `synchronous = FULL`, on the writer thread (writer-worker.ts),
 *   so that a flush never stalls the event loop.
 * - `normal`: the WAL is written but fsynced only at checkpoints: an acknowledged update survives
 *   a process crash and `kill -9`, but the last commits may be lost on an OS crash or power loss.
 */
export type SyncMode = 'full' | 'normal';

export interface OpenOptions {
  file: string;
  sync: SyncMode;
  /** Writes that would make the database larger than this fail as a full disk would. */
  maxBytes?: number;
}

export interface OpenedDatabase {
  db: Database;
  /** Schema versions migrated to during this open, oldest first (empty when already current). */
  migrated: number[];
}

/**
 * Opens (or creates) the database, checks it before writing anything to it, then sets it up and
 * migrates it. A file that is not an intact SQLite database is refused and left as it was.
 */
export function openDatabase(options: OpenOptions): OpenedDatabase {
  const db = connect(options.file);
  try {
    checkIntegrity(db, options.file);
    configure(db, options);
    return { db, migrated: migrate(db, options.file) };
  } catch (error) {
    db.close();
    throw error;
  }
}

function connect(file: string): Database {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    return new BetterSqlite3(file);
  } catch (error) {
    throw new StorageError('storage-unavailable', `cannot open the database ${file}: ${describe(error)}`, { cause: error });
  }
}

/** Read-only checks: a damaged or foreign file fails here, before any pragma could write to it. */
function checkIntegrity(db: Database, file: string): void {
  let result: unknown;
  try {
    result = db.pragma('quick_check(1)', { simple: true });
  } catch (error) {
    const code = sqliteCode(error);
    const kind = code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM' || code === 'SQLITE_READONLY' ? 'storage-unavailable' : 'storage-corrupt';
    throw new StorageError(kind, `${file} cannot be read as a SQLite database (${describe(error)}); ${LEFT_ALONE}`, { cause: error });
  }
  if (result !== 'ok') {
    throw new StorageError('storage-corrupt', `${file} is damaged (integrity check: ${String(result)}); ${LEFT_ALONE}`);
  }
}

const LEFT_ALONE =
  'the file was left untouched: restore it from a backup, or move it away (with its -wal and -shm files) to start empty';

/** The settings of a connection: the server's (reads, migrations) and the writer thread's alike. */
export function configure(db: Database, options: OpenOptions): void {
  // WAL: a commit appends to the log instead of rewriting pages, readers never block the writer
  db.pragma('journal_mode = WAL');
  // FULL fsyncs the WAL inside each COMMIT: on the writer thread, so it never stalls the event loop
  db.pragma(`synchronous = ${options.sync === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma('foreign_keys = ON');
  // a second process on the same file waits a little instead of failing at once
  db.pragma('busy_timeout = 5000');
  if (options.maxBytes !== undefined) {
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.pragma(`max_page_count = ${Math.max(1, Math.floor(options.maxBytes / pageSize))}`);
  }
}

function describe(error: unknown): string {
  const code = sqliteCode(error) ?? (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return code ? `${String(code)}: ${message}` : message;
}
