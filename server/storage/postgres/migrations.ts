import type pg from 'pg';
import { StorageError } from '../storage-error';

export interface PostgresMigration {
  /** The schema version this migration leads to; `schema_migrations` lists those applied. */
  version: number;
  name: string;
  sql: string;
}

/**
 * Every schema change, in order. Never edit a released migration: add the next one. Each runs in
 * its own transaction together with its row in schema_migrations (DDL is transactional here), so
 * a crash leaves either the old schema or the new one. Numbers are bigint where they are times
 * in ms or byte counts; JSON is kept as text, exactly as written (jsonb would reorder keys).
 */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    name: 'sessions, snapshots, the delta log, applied updates, page layers, PDF records and bytes',
    sql: `
      CREATE TABLE sessions (
        id text PRIMARY KEY,
        host_id text NOT NULL,
        created_at bigint NOT NULL,
        last_used_at bigint NOT NULL,
        view text
      );
      CREATE INDEX sessions_by_last_use ON sessions (last_used_at);

      CREATE TABLE snapshots (
        session_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        version integer NOT NULL,
        state text NOT NULL,
        PRIMARY KEY (session_id, version)
      );

      -- the key that makes a second version N of one session impossible, whichever node appends it
      CREATE TABLE deltas (
        session_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        version integer NOT NULL,
        from_version integer NOT NULL,
        crc bigint NOT NULL,
        delta text NOT NULL,
        update_id text,
        PRIMARY KEY (session_id, version)
      );

      CREATE TABLE applied_updates (
        session_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        user_id text NOT NULL,
        client_key text NOT NULL,
        seq integer NOT NULL,
        version integer NOT NULL,
        applied_at bigint NOT NULL,
        PRIMARY KEY (session_id, user_id, client_key)
      );

      CREATE TABLE layers (
        session_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        pdf_id text NOT NULL,
        page_num integer NOT NULL,
        revision integer NOT NULL,
        layers bytea NOT NULL,
        PRIMARY KEY (session_id, pdf_id, page_num)
      );

      CREATE TABLE pdfs (
        session_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        id text NOT NULL,
        -- grows with every record: the order the session's PDFs were added in
        seq bigint GENERATED ALWAYS AS IDENTITY,
        name text NOT NULL,
        size bigint NOT NULL,
        sha256 text NOT NULL,
        added_by text NOT NULL,
        added_at bigint NOT NULL,
        PRIMARY KEY (session_id, id)
      );
      CREATE INDEX pdfs_by_sha256 ON pdfs (sha256);

      -- the bytes of a PDF, once per content: sha256 is null while its upload is under way
      CREATE TABLE pdf_blobs (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        sha256 text UNIQUE,
        size bigint NOT NULL DEFAULT 0,
        chunk_bytes integer NOT NULL,
        stored_at bigint NOT NULL
      );
      CREATE TABLE pdf_chunks (
        blob_id bigint NOT NULL REFERENCES pdf_blobs (id) ON DELETE CASCADE,
        idx integer NOT NULL,
        data bytea NOT NULL,
        PRIMARY KEY (blob_id, idx)
      );
    `,
  },
  {
    version: 2,
    name: 'table roles and the game master document',
    sql: `
      ALTER TABLE sessions ADD COLUMN roles text;
      ALTER TABLE sessions ADD COLUMN gm text;
    `,
  },
  {
    version: 3,
    name: 'books removed from a table',
    // a book's id is its content's hash: a row stays until the same book is added again
    sql: `
      CREATE TABLE removed_pdfs (
        session_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        pdf_id text NOT NULL,
        PRIMARY KEY (session_id, pdf_id)
      );
    `,
  },
];

/** Any fixed number: the advisory lock that one node at a time holds while it migrates. */
const MIGRATION_LOCK = 0x67627321;

/**
 * Brings the schema up to the newest version; refuses a database newer than this code. Nodes
 * starting together wait on the advisory lock, and each finds the work done by the first.
 */
export async function migrate(pool: pg.Pool, migrations: readonly PostgresMigration[] = POSTGRES_MIGRATIONS): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      return await migrateLocked(client, migrations);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}

async function migrateLocked(client: pg.PoolClient, migrations: readonly PostgresMigration[]): Promise<number[]> {
  await client.query(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  const { rows } = await client.query<{ current: number | null }>('SELECT max(version) AS current FROM schema_migrations');
  const current = rows[0]?.current ?? 0;
  const newest = migrations.at(-1)?.version ?? 0;
  if (current > newest) {
    throw new StorageError(
      'storage-too-new',
      `the database has schema version ${current}, newer than this server knows (${newest}): run a newer server`,
    );
  }
  const applied: number[] = [];
  for (const migration of migrations.filter((m) => m.version > current)) {
    await client.query('BEGIN');
    try {
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
    applied.push(migration.version);
  }
  return applied;
}
