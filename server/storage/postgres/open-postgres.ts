import type { Logger } from '../../logger';
import { PostgresDatabase, type PostgresOptions } from './database';
import { PostgresLayerStore } from './postgres-layer-store';
import { PostgresPdfBytes } from './postgres-pdf-bytes';
import { PostgresPdfStore } from './postgres-pdf-store';
import { PostgresSessionStore } from './postgres-session-store';
import { PostgresRoleStore } from './postgres-role-store';
import { PostgresViewStore } from './postgres-view-store';

export interface PostgresStorageOptions extends PostgresOptions {
  pdfChunkBytes: number;
  /** Unnamed PDF bytes younger than this are spared by collection (PdfBytesOptions.graceMs). */
  pdfGraceMs: number;
}

/**
 * Every store on one PostgreSQL database and pool, migrated before it is returned. The data of an
 * expired session goes with its row (ON DELETE CASCADE), so there are no dependents.
 */
export async function openPostgresStorage(options: PostgresStorageOptions, logger: Logger) {
  const db = await PostgresDatabase.open(options, logger);
  logger.info({ database: databaseName(options.url), poolSize: options.poolSize, migrated: db.migrated }, 'database open');
  return {
    sessions: new PostgresSessionStore(db),
    tableStores: { layers: new PostgresLayerStore(db), pdfs: new PostgresPdfStore(db), views: new PostgresViewStore(db), roles: new PostgresRoleStore(db) },
    pdfBytes: new PostgresPdfBytes(db, { chunkBytes: options.pdfChunkBytes, graceMs: options.pdfGraceMs }),
    dependents: [],
  };
}

/** For logs: which database, without the password the URL may carry. */
function databaseName(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'an unparsable DATABASE_URL';
  }
}
