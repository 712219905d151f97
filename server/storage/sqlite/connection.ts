import type { Database } from 'better-sqlite3';
import { GroupCommit } from './group-commit';
import { openDatabase, type OpenOptions } from './open-database';
import { WalSync } from './wal-sync';
import { Checkpointer } from './checkpointer';

/**
 * The one database connection of a server and its group commit, shared by every SQLite store
 * (sessions, layers, PDF records, views): their writes queued in one turn commit together.
 */
export class SqliteConnection {
  readonly writes: GroupCommit;
  private readonly checkpointer: Checkpointer;

  private constructor(
    readonly db: Database,
    /** Schema versions migrated to when the database was opened. */
    readonly migrated: number[],
    /** `synchronous=full`: the WAL's fsync, off the event loop; none for `normal`. */
    private readonly walSync: WalSync | undefined,
    file: string,
  ) {
    this.writes = new GroupCommit(db, walSync && (() => walSync.sync()));
    this.checkpointer = new Checkpointer(db, file);
  }

  /** Opens the database file; throws a StorageError when it is unusable (nothing written to it then). */
  static open(options: OpenOptions): SqliteConnection {
    const { db, migrated } = openDatabase(options);
    return new SqliteConnection(db, migrated, options.sync === 'full' ? new WalSync(`${options.file}-wal`) : undefined, options.file);
  }

  /** Commits what is queued and makes it durable, folds the WAL into the database file, and closes it. */
  async close(): Promise<void> {
    await this.writes.close();
    await this.walSync?.close();
    await this.checkpointer.stop();
    // so that a copy of the .sqlite file alone is a complete backup
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.close();
  }
}
