import type { Database } from 'better-sqlite3';
import { packLayersJson } from '../layer-codec';
import { StorageError } from '../storage-error';

export interface Migration {
  /** The schema version this migration leads to; `PRAGMA user_version` holds the current one. */
  version: number;
  name: string;
  sql: string;
}

/**
 * Every schema change, in order. Never edit a released migration: add the next one. Each runs in
 * its own transaction together with the bump of user_version, so a crash leaves either the old
 * schema or the new one.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'sessions, snapshots and the delta log',
    sql: `
      CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        host_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX sessions_by_last_use ON sessions (last_used_at);

      -- apart from sessions: last_used_at changes often, and rewriting a row rewrites all of it
      CREATE TABLE snapshots (
        session_id TEXT PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        state TEXT NOT NULL
      ) STRICT;

      CREATE TABLE deltas (
        session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        from_version INTEGER NOT NULL,
        crc INTEGER NOT NULL,
        delta TEXT NOT NULL,
        PRIMARY KEY (session_id, version)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    name: 'page layers',
    // a rowid table: one page's layers may be large, which WITHOUT ROWID tables handle badly
    sql: `
      CREATE TABLE layers (
        session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        pdf_id TEXT NOT NULL,
        page_num INTEGER NOT NULL,
        revision INTEGER NOT NULL,
        layers TEXT NOT NULL,
        PRIMARY KEY (session_id, pdf_id, page_num)
      ) STRICT;
    `,
  },
  {
    version: 3,
    name: 'PDF records',
    sql: `
      CREATE TABLE pdfs (
        session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        name TEXT NOT NULL,
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        added_by TEXT NOT NULL,
        added_at INTEGER NOT NULL,
        PRIMARY KEY (session_id, id)
      ) STRICT;
      -- is a file still used by some session, before it is deleted
      CREATE INDEX pdfs_by_sha256 ON pdfs (sha256);
    `,
  },
  {
    version: 4,
    name: 'last page view of each session',
    sql: `ALTER TABLE sessions ADD COLUMN view TEXT;`,
  },
  {
    version: 5,
    name: 'applied update ids, and snapshots kept by version',
    sql: `
      ALTER TABLE deltas ADD COLUMN update_id TEXT;

      -- one row per client of a user: the last update applied for it, so that a resend is not applied twice
      CREATE TABLE applied_updates (
        session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        user_id TEXT NOT NULL,
        client_key TEXT NOT NULL,
        seq INTEGER NOT NULL,
        version INTEGER NOT NULL,
        applied_at INTEGER NOT NULL,
        PRIMARY KEY (session_id, user_id, client_key)
      ) STRICT, WITHOUT ROWID;

      -- more than one snapshot per session: the oldest kept is the base the log continues from
      CREATE TABLE snapshots_by_version (
        session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        state TEXT NOT NULL,
        PRIMARY KEY (session_id, version)
      ) STRICT;
      INSERT INTO snapshots_by_version (session_id, version, state) SELECT session_id, version, state FROM snapshots;
      DROP TABLE snapshots;
      ALTER TABLE snapshots_by_version RENAME TO snapshots;
    `,
  },
  {
    version: 6,
    name: 'page layers stored deflated',
    // rebuilt: a STRICT table's TEXT column cannot hold bytes; every row is packed on the way
    sql: `
      CREATE TABLE layers_deflated (
        session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        pdf_id TEXT NOT NULL,
        page_num INTEGER NOT NULL,
        revision INTEGER NOT NULL,
        layers BLOB NOT NULL,
        PRIMARY KEY (session_id, pdf_id, page_num)
      ) STRICT;
      INSERT INTO layers_deflated (session_id, pdf_id, page_num, revision, layers)
        SELECT session_id, pdf_id, page_num, revision, pack_layers_json(layers) FROM layers;
      DROP TABLE layers;
      ALTER TABLE layers_deflated RENAME TO layers;
    `,
  },
  {
    version: 7,
    name: 'table roles and the game master document',
    sql: `
      ALTER TABLE sessions ADD COLUMN roles TEXT;
      ALTER TABLE sessions ADD COLUMN gm TEXT;
    `,
  },
  {
    version: 8,
    name: 'books removed from a table',
    // a book's id is its content's hash: a row stays until the same book is added again
    sql: `
      CREATE TABLE removed_pdfs (
        session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        pdf_id TEXT NOT NULL,
        PRIMARY KEY (session_id, pdf_id)
      ) STRICT, WITHOUT ROWID;
    `,
  },
];

/** SQL functions that migrations call, for conversions SQLite cannot do itself. */
function registerMigrationFunctions(db: Database): void {
  db.function('pack_layers_json', { deterministic: true }, (json) => packLayersJson(String(json)));
}

/** Brings the schema up to the newest version; refuses a database newer than this code. */
export function migrate(db: Database, file: string, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const current = db.pragma('user_version', { simple: true }) as number;
  const newest = migrations.at(-1)?.version ?? 0;
  if (current > newest) {
    throw new StorageError(
      'storage-too-new',
      `${file} has schema version ${current}, newer than this server knows (${newest}): run a newer server, or restore a backup`,
    );
  }
  registerMigrationFunctions(db);
  const applied: number[] = [];
  for (const migration of migrations.filter((m) => m.version > current)) {
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
    applied.push(migration.version);
  }
  return applied;
}
