import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createClient } from 'redis';
import type { Socket } from 'socket.io-client';
import { loadConfig } from '../../server/config';
import { createLogger } from '../../server/logger';
import { startServer, type RunningServer } from '../../server/server';
import { openStorage } from '../../server/storage/open-store';
import { percentile, type BenchTable } from '../report';
import { open, timeRounds } from './fanout';

const RECEIVERS_PER_NODE = 10;
const ADMIN_URL = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  await client.query(sql).finally(() => client.end());
}

/** A node of the cluster, in this process, on its own port. */
async function node(env: Record<string, string>): Promise<RunningServer> {
  const config = loadConfig(env);
  const logger = createLogger('silent');
  const storage = await openStorage(config.storage, logger);
  return startServer(config, storage.sessions, logger, storage);
}

/**
 * Delivery of a committed delta to clients of the sender's node and of another node (PostgreSQL
 * and Redis on this machine, both nodes in this process): what following a table across nodes
 * costs next to the relay on the sender's own node.
 */
export async function clusterDeliverySuite(): Promise<BenchTable[]> {
  const database = `gbs_bench_${randomBytes(6).toString('hex')}`;
  const prefix = `gbs-bench-${randomBytes(6).toString('hex')}:`;
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'gamebook-bench-cluster-'));
  await admin(`CREATE DATABASE ${database}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  const env = {
    PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', STORAGE: 'postgres', DATABASE_URL: url.toString(),
    SESSION_SECRET: 'a-secret-that-both-bench-nodes-share-123', REDIS_URL, REDIS_PREFIX: prefix, UPDATES_PER_SECOND: '10000', UPDATES_BURST: '10000',
    // one sender, all rounds: the per-user limit (240 at once, 60 a second) would refuse it on a quiet machine, and a refused round never ends
    USER_UPDATES_PER_SECOND: '10000', USER_UPDATES_BURST: '10000',
  };
  const nodes = [await node(env), await node(env)] as const;
  try {
    const token = (name: string) => nodes[0].tokens.issue({ sub: `bench:${name}`, name, kind: 'guest' });
    const sender = await open(nodes[0].url, { token: token('sender') });
    const { sessionId } = await sender.emitWithAck('create-session');
    await sender.emitWithAck('join-session', sessionId);
    const receivers = await Promise.all(
      nodes.map((server, n) => Promise.all(Array.from({ length: RECEIVERS_PER_NODE }, (_, i) => open(server.url, { token: token(`r${n}-${i}`) })))),
    );
    for (const socket of receivers.flat()) await socket.emitWithAck('join-session', sessionId);
    let version = 0;
    const send = () => sender.emit('update-game-state', { updates: { counters: [{ id: 'gold', value: ++version }] } });
    const [here, there] = receivers as [Socket[], Socket[]];
    const { latencies: same } = await timeRounds(here, 'game-state-delta', send);
    const { latencies: across } = await timeRounds(there, 'game-state-delta', send);
    for (const socket of [sender, ...receivers.flat()]) socket.close();
    const row = (label: string, latencies: number[], baseline: number[]) => {
      const [sorted, base] = [latencies, baseline].map((list) => [...list].sort((a, b) => a - b)) as [number[], number[]];
      return [label, percentile(sorted, 50), percentile(sorted, 99), percentile(sorted, 50) / percentile(base, 50)];
    };
    return [
      {
        title: 'Delivery of one update on the sender\'s node and on another node (PostgreSQL + Redis)',
        description: `From the sender's emit until each of ${RECEIVERS_PER_NODE} receivers has the delta, one round at a time. On the sender's node the delta is relayed before its commit; another node gets it through Redis after the commit and applies it in the table's turn. Both nodes run in this one process (they share its event loop); the baseline is the same-node delivery of the same run.`,
        columns: ['receivers', 'p50 ms', 'p99 ms', 'p50 ÷ same node'],
        rows: [row('on the sender\'s node (baseline)', same, same), row('on another node', across, same)],
      },
    ];
  } finally {
    await Promise.all(nodes.map((server) => server.close()));
    await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await removeKeys(prefix);
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function removeKeys(prefix: string): Promise<void> {
  const redis = createClient({ url: REDIS_URL });
  await redis.connect();
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(keys);
  await redis.quit();
}
