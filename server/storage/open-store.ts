import type { Config } from '../config';
import type { Logger } from '../logger';
import { PdfFiles } from './files/pdf-files';
import { MemorySessionStore } from './memory/memory-store';
import type { PdfBytes } from './pdf-bytes';
import { openPostgresStorage } from './postgres/open-postgres';
import type { SessionDependent } from './session-dependent';
import type { SessionStore } from './session-store';
import { SqliteConnection } from './sqlite/connection';
import { SqliteLayerStore } from './sqlite/sqlite-layer-store';
import { SqlitePdfStore } from './sqlite/sqlite-pdf-store';
import { SqliteSessionStore } from './sqlite/sqlite-store';
import { SqliteRoleStore } from './sqlite/sqlite-role-store';
import { SqliteViewStore } from './sqlite/sqlite-view-store';
import { memoryTableStores, type TableStores } from './table-stores';

/** Every store of a server; `tableStores`, `pdfBytes` and `dependents` are what startServer's extras take. */
export interface Storage {
  /** Closing it releases the whole storage (the SQL stores share its connection). */
  sessions: SessionStore;
  tableStores: TableStores;
  /** Where the bytes of PDFs live: files in DATA_DIR/pdfs, or rows of PostgreSQL. */
  pdfBytes: PdfBytes;
  /** What must forget an expired session's data itself (nothing for SQL engines: ON DELETE CASCADE). */
  dependents: SessionDependent[];
}

/** The stores the configuration asks for; rejects with a StorageError when they cannot be used. */
export async function openStorage(config: Config['storage'], logger: Logger): Promise<Storage> {
  if (config.kind === 'postgres') return openPostgresStorage(config.postgres, logger);
  if (config.kind === 'memory') {
    logger.warn('STORAGE=memory: sessions are lost when the server stops');
    const memory = memoryTableStores();
    return { sessions: new MemorySessionStore(), ...memory, pdfBytes: new PdfFiles(config.pdfDir, memory.tableStores.pdfs) };
  }
  const connection = SqliteConnection.open(config);
  logger.info({ file: config.file, synchronous: config.sync, migrated: connection.migrated }, 'database open');
  const pdfs = new SqlitePdfStore(connection);
  return {
    sessions: new SqliteSessionStore(connection),
    tableStores: { layers: new SqliteLayerStore(connection), pdfs, views: new SqliteViewStore(connection), roles: new SqliteRoleStore(connection) },
    pdfBytes: new PdfFiles(config.pdfDir, pdfs),
    dependents: [],
  };
}
