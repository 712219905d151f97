import { randomBytes } from 'node:crypto';
import { after } from 'node:test';
import pg from 'pg';

/** The machine's PostgreSQL (trust auth): the `test` database is where databases are made from. */
export const POSTGRES_ADMIN_URL = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** `url` with another database name. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Runs one statement on `url` over a connection of its own. */
export async function adminQuery(url: string, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, empty database `gbs_test_<random>` on the PostgreSQL at `adminUrl`, dropped when the
 * calling test file ends (with any connection a test left open). Returns its URL.
 */
export async function testDatabase(adminUrl = POSTGRES_ADMIN_URL): Promise<string> {
  const name = `gbs_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  after(() => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  return withDatabase(adminUrl, name);
}
