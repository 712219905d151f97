import type { Config } from '../config';
import type { Logger } from '../logger';
import { MemorySessionStore } from './memory-store';
import type { SessionDependent } from './session-dependent';
import type { SessionStore } from './session-store';
import { SqliteConnection } from './sqlite/connection';
import { SqliteLayerStore } from './sqlite/sqlite-layer-store';
import { SqlitePdfStore } from './sqlite/sqlite-pdf-store';
import { SqliteSessionStore } from './sqlite/sqlite-store';
import { SqliteViewStore } from './sqlite/sqlite-view-store';
import { memoryTableStores, type TableStores } from './table-stores';

/** Every store of a server; `tableStores` and `dependents` are what startServer's extras take. */
export interface Storage {
  /** Closing it releases the whole storage (the SQLite stores share its connection). */
  sessions: SessionStore;
  tableStores: TableStores;
  /** What must forget an expired session's data itself (nothing for SQLite: ON DELETE CASCADE). */
  dependents: SessionDependent[];
}

/** The stores the configuration asks for; throws a StorageError when they cannot be used. */
export function openStorage(config: Config['storage'], logger: Logger): Storage {
  if (config.kind === 'memory') {
    logger.warn('STORAGE=memory: sessions are lost when the server stops');
    return { sessions: new MemorySessionStore(), ...memoryTableStores() };
  }
  const connection = SqliteConnection.open(config);
  logger.info({ file: config.file, synchronous: config.sync, migrated: connection.migrated }, 'database open');
  return {
    sessions: new SqliteSessionStore(connection),
    tableStores: {
      layers: new SqliteLayerStore(connection),
      pdfs: new SqlitePdfStore(connection),
      views: new SqliteViewStore(connection),
    },
    dependents: [],
  };
}
