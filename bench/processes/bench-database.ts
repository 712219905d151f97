import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The machine's PostgreSQL (trust auth), where bench databases are made. */
const ADMIN_URL = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The machine's Redis, for the rows that fan out through it. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function admin(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** Runs `run` on a fresh PostgreSQL database of its own (its URL given), dropped afterwards. */
export async function withBenchDatabase<T>(run: (url: string) => Promise<T>): Promise<T> {
  const name = `gbs_bench_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    return await run(url.toString());
  } finally {
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

/** A key prefix of its own in Redis, so that the nodes of one row hear each other and no other run. */
export function benchRedisPrefix(): string {
  return `gbs-bench-${randomBytes(4).toString('hex')}:`;
}
