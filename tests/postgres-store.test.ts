import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../server/logger';
import { PostgresDatabase } from '../server/storage/postgres/database';
import { POSTGRES_MIGRATIONS } from '../server/storage/postgres/migrations';
import { StorageError } from '../server/storage/storage-error';
import { adminQuery, testDatabase } from './support/postgres';

const logger = createLogger('silent');
const options = (url: string) => ({ url, poolSize: 2, connectTimeoutMs: 5000 });

describe('PostgreSQL migrations', () => {
  it('G4: nodes starting together on a new database migrate it once: one takes the advisory lock, the others find it done', async () => {
    const url = await testDatabase();
    const nodes = await Promise.all(Array.from({ length: 5 }, () => PostgresDatabase.open(options(url), logger)));
    const newest = POSTGRES_MIGRATIONS.map((m) => m.version);
    assert.deepEqual(
      nodes.map((node) => node.migrated).sort((a, b) => b.length - a.length),
      [newest, [], [], [], []],
    );
    const { rows } = await adminQuery(url, 'SELECT version, name FROM schema_migrations ORDER BY version');
    assert.deepEqual(rows, POSTGRES_MIGRATIONS.map(({ version, name }) => ({ version, name })));
    await Promise.all(nodes.map((node) => node.close()));
    const again = await PostgresDatabase.open(options(url), logger);
    assert.deepEqual(again.migrated, [], 'an up-to-date schema is not migrated again');
    await again.close();
  });

  it('G5: a database migrated by a newer server is refused with storage-too-new; an unreachable one with storage-unavailable', async () => {
    const url = await testDatabase();
    await (await PostgresDatabase.open(options(url), logger)).close();
    await adminQuery(url, "INSERT INTO schema_migrations (version, name) VALUES (99, 'from the future')");
    await assert.rejects(PostgresDatabase.open(options(url), logger), (error: unknown) => error instanceof StorageError && error.code === 'storage-too-new');
    const nowhere = 'postgres://postgres@127.0.0.1:1/none';
    await assert.rejects(PostgresDatabase.open(options(nowhere), logger), (error: unknown) => error instanceof StorageError && error.code === 'storage-unavailable');
  });
});
