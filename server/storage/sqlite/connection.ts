import type { Database } from 'better-sqlite3';
import { Checkpointer } from './checkpointer';
import { openDatabase, type OpenOptions } from './open-database';
import { WriteBatches } from '../write-batches';
import type { WriteCommand } from './write-commands';
import { WriterThread } from './writer-thread';

/**
 * The database of a server, shared by every SQLite store (sessions, layers, PDF records, roles,
 * views): `db` is the event loop's connection, for reads only (WAL: it sees what the writer
 * committed); `writes` sends every write to the one writer thread, where the writes queued in one
 * turn commit together.
 */
export class SqliteConnection {
  readonly writes: WriteBatches<WriteCommand>;
  private readonly writer: WriterThread;
  private readonly checkpointer: Checkpointer;

  private constructor(
    readonly db: Database,
    /** Schema versions migrated to when the database was opened. */
    readonly migrated: number[],
    options: OpenOptions,
  ) {
    this.writer = new WriterThread(options);
    this.writes = new WriteBatches((commands) => this.writer.send(commands));
    this.checkpointer = new Checkpointer(db, options.file, () => this.writer.checkpointInCommits());
  }

  /** Opens the database file; throws a StorageError when it is unusable (nothing written to it then). */
  static open(options: OpenOptions): SqliteConnection {
    const { db, migrated } = openDatabase(options);
    return new SqliteConnection(db, migrated, options);
  }

  /** Commits what is queued, stops the writer, folds the WAL into the database file, and closes it. */
  async close(): Promise<void> {
    await this.writes.close();
    await this.writer.stop();
    await this.checkpointer.stop();
    // so that a copy of the .sqlite file alone is a complete backup
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.close();
  }
}
