import { randomBytes } from 'node:crypto';
import { benchRedisPrefix, REDIS_URL, withBenchDatabase } from '../processes/bench-database';
import type { ClusterPlan, ClusterResult, Latencies } from '../processes/cluster-generator';
import { runGenerator, startGameServer, type WatchedServer } from '../processes/spawn';
import type { BenchTable } from '../report';

const TABLES = Number(process.env.CLUSTER_TABLES ?? 10);
/** Two clients of each table on each of the three nodes: same-node and cross-node deliveries both. */
const CLIENTS = 6;
const CHANGES_PER_SECOND = Number(process.env.CLUSTER_CHANGES ?? 5);
const SECONDS = Number(process.env.CLUSTER_SECONDS ?? 6);

/** The bench measures what the nodes sustain: the per-socket and per-user limits stay out of the way. */
const UNLIMITED = {
  UPDATES_PER_SECOND: '1000000',
  UPDATES_BURST: '1000000',
  USER_UPDATES_PER_SECOND: '1000000',
  USER_UPDATES_BURST: '1000000',
};

interface Setup {
  label: string;
  nodes: number;
  /** Settings of node `index`, given a fresh database URL and a Redis key prefix, both of this setup. */
  env: (databaseUrl: string, index: number, prefix: string) => Record<string, string>;
}

const SETUPS: Setup[] = [
  { label: 'one node, SQLite', nodes: 1, env: () => ({ STORAGE: 'sqlite' }) },
  { label: 'one node, PostgreSQL', nodes: 1, env: (url) => ({ STORAGE: 'postgres', DATABASE_URL: url }) },
  {
    label: 'three nodes, PostgreSQL + Redis, clients spread',
    nodes: 3,
    env: (url, index, prefix) => ({ STORAGE: 'postgres', DATABASE_URL: url, REDIS_URL, REDIS_PREFIX: prefix, NODE_ID: `node${index + 1}` }),
  },
];

async function measure(setup: Setup): Promise<ClusterResult> {
  return withBenchDatabase(async (databaseUrl) => {
    const secret = randomBytes(24).toString('base64url');
    // one prefix for all the nodes of the setup: they hear each other, and no other run
    const prefix = benchRedisPrefix();
    const nodes: WatchedServer[] = [];
    try {
      // one after another: migrations at start take an advisory lock anyway
      for (let index = 0; index < setup.nodes; index++) {
        nodes.push(await startGameServer({ ...UNLIMITED, ...setup.env(databaseUrl, index, prefix), SESSION_SECRET: secret }));
      }
      const plan: ClusterPlan = { urls: nodes.map((node) => node.url), secret, tables: TABLES, clients: CLIENTS, changesPerSecond: CHANGES_PER_SECOND, warmupSeconds: 2, seconds: SECONDS };
      return await runGenerator<ClusterResult>('bench/processes/cluster-generator.ts', plan);
    } finally {
      await Promise.all(nodes.map((node) => node.stop()));
    }
  });
}

const ms = (value: number | null) => (value === null || Number.isNaN(value) ? '–' : value.toFixed(1));
const pair = (p50: number | null, p99: number | null) => `${ms(p50)} / ${ms(p99)}`;
const delivered = (latencies: Latencies) => (latencies.count === 0 ? '–' : pair(latencies.p50, latencies.p99));

/**
 * Issue 13: acknowledged updates per second and delivery p50/p99 on one node (SQLite), one node
 * (PostgreSQL), and three nodes (PostgreSQL + Redis) with each table's clients spread over them,
 * in one run; a delivery to a client on the sender's node next to one on another node.
 */
export async function clusterSuite(): Promise<BenchTable[]> {
  const rows: Array<Array<string | number>> = [];
  for (const setup of SETUPS) {
    const result = await measure(setup);
    console.error(JSON.stringify({ setup: setup.label, result }));
    rows.push([
      setup.label,
      Math.round(result.ackedPerSecond),
      pair(result.ackP50, result.ackP99),
      delivered(result.delivery),
      delivered(result.sameNode),
      delivered(result.crossNode),
      `${result.delivery.count} / ${result.expected}`,
      result.errors.length,
    ]);
  }
  return [
    {
      title: `One node and a cluster: ${TABLES} tables of ${CLIENTS} clients, ${CHANGES_PER_SECOND} changes/s each`,
      description: `Each table changes ${CHANGES_PER_SECOND} times a second, the sender rotating among its clients, each update setting the sender's own key; ${SECONDS} s measured after 2 s of warm-up, the load generator in a process of its own, each node a real \`npm start\` process. In the cluster, client c of table t is on node (t + c) mod 3, so every table has two clients on each node; a same-node delivery reaches a client on the sender's node, a cross-node one goes through the fan-out. Latencies in ms, from the sender's emit; the first row is the baseline of the same run.`,
      columns: ['setup', 'acked updates/s', 'ack p50 / p99', 'delivery p50 / p99', 'same-node p50 / p99', 'cross-node p50 / p99', 'delivered / expected', 'errors'],
      rows,
    },
  ];
}
