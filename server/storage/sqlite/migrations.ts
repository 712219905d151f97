import type { Database } from 'better-sqlite3';
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
];

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
