import pg from 'pg';
import type { Logger } from '../../logger';
import { StorageError } from '../storage-error';
import { migrate } from './migrations';
import { isReadTimeout, postgresFailure } from './postgres-errors';

export interface PostgresOptions {
  url: string;
  /** Connections the pool opens at most. */
  poolSize: number;
  /** How long a query waits for a connection before it fails. */
  connectTimeoutMs: number;
  /** How long a query waits for its answer before it fails (the connection is dropped then); none when absent. */
  queryTimeoutMs?: number;
}

/** A statement run inside a transaction of `PostgresDatabase.transaction`. */
export type Query = (text: string, values?: unknown[]) => Promise<pg.QueryResult>;

const INT8_OID = 20;

/**
 * int8 columns (times in ms, sizes) come back as numbers: every value the stores keep is far
 * below 2^53. Given to the pool only, so the process-wide parsers of pg stay as they are.
 */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * The pool of connections every PostgreSQL store of a server shares. A lost connection is
 * dropped and a new one opened at the next query, so service resumes by itself once the
 * server is back; meanwhile each query fails with a StorageError, never an uncaught error.
 */
export class PostgresDatabase {
  private closed = false;

  private constructor(
    private readonly pool: pg.Pool,
    /** Schema versions migrated to when the database was opened. */
    readonly migrated: number[],
  ) {}

  /** Connects and migrates (under an advisory lock, so nodes starting together take turns). */
  static async open(options: PostgresOptions, logger: Logger): Promise<PostgresDatabase> {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize,
      connectionTimeoutMillis: options.connectTimeoutMs,
      ...(options.queryTimeoutMs === undefined ? {} : { query_timeout: options.queryTimeoutMs }),
      types,
    });
    // an idle connection the server dropped: without a listener the pool's error would end the process
    pool.on('error', (error) => logger.warn({ err: error }, 'PostgreSQL dropped an idle connection'));
    try {
      return new PostgresDatabase(pool, await migrate(pool));
    } catch (error) {
      await pool.end();
      throw postgresFailure(error);
    }
  }

  /** One statement, in its own transaction. */
  async query(text: string, values?: unknown[]): Promise<pg.QueryResult> {
    this.assertOpen();
    try {
      return await this.pool.query(text, values);
    } catch (error) {
      throw postgresFailure(error);
    }
  }

  /** Runs `work` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
  async transaction<T>(work: (query: Query) => Promise<T>, isolation: 'READ COMMITTED' | 'REPEATABLE READ' = 'READ COMMITTED'): Promise<T> {
    this.assertOpen();
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw postgresFailure(error);
    }
    // a connection lost between two statements is reported by the next one: not as an event that would crash
    const ignore = () => undefined;
    client.on('error', ignore);
    let broken: Error | undefined;
    try {
      await client.query(`BEGIN ISOLATION LEVEL ${isolation}`);
      const result = await work((text, values) => client.query(text, values));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      broken = await rollback(client, error);
      throw postgresFailure(error);
    } finally {
      client.off('error', ignore);
      // a connection that could not even roll back is closed rather than given to the next query
      client.release(broken);
    }
  }

  /** Waits for the queries under way, then closes every connection; later calls fail. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private assertOpen(): void {
    if (this.closed) throw new StorageError('storage-closed', 'the store is closed');
  }
}

/** Rolls back after `error`; returns the error that makes the connection unusable, if any. */
async function rollback(client: pg.PoolClient, error: unknown): Promise<Error | undefined> {
  // the server never answered: a ROLLBACK would wait behind the query it did not answer
  if (isReadTimeout(error)) return error;
  try {
    await client.query('ROLLBACK');
    return undefined;
  } catch {
    return error instanceof Error ? error : new Error(String(error));
  }
}
