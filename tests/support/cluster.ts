import { randomBytes } from 'node:crypto';
import { after } from 'node:test';
import { createClient } from 'redis';
import { testDatabase } from './postgres';
import { freePort, startServerProcess, type ServerProcess } from './server-process';
import { startBalancer, type Balance, type Balancer } from './haproxy';
import { tempDir } from './temp-dir';

/** The machine's Redis, which every test shares under a key prefix of its own. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const SECRET = 'one-secret-that-every-node-of-the-cluster-shares';

/** What the nodes of one test's cluster share: a database of its own, a Redis prefix of its own. */
export interface ClusterSettings {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
}

/** A database and a Redis prefix of the calling test file; the prefix's keys go when it ends. */
export async function clusterSettings(redisUrl = REDIS_URL): Promise<ClusterSettings> {
  const prefix = `gbs-test-${randomBytes(6).toString('hex')}:`;
  after(() => removeKeys(redisUrl, prefix));
  return { databaseUrl: await testDatabase(), redisUrl, prefix };
}

/** Nothing to remove from a Redis that is gone already (a test's own, stopped first). */
async function removeKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = createClient({ url: redisUrl, socket: { reconnectStrategy: false } });
  redis.on('error', () => undefined);
  const connected = await redis.connect().then(() => true, () => false);
  if (!connected) return;
  try {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(keys);
  } finally {
    await redis.quit();
  }
}

/** One node (`npm start` as a process) of the cluster, on `port` or a free one. */
export async function clusterNode(settings: ClusterSettings, env: Record<string, string> = {}, port?: number): Promise<ServerProcess> {
  return startServerProcess({
    PORT: String(port ?? (await freePort())),
    DATA_DIR: await tempDir('gamebook-cluster-node-'),
    STORAGE: 'postgres',
    DATABASE_URL: settings.databaseUrl,
    SESSION_SECRET: SECRET,
    REDIS_URL: settings.redisUrl,
    REDIS_PREFIX: settings.prefix,
    ...env,
  });
}

/**
 * A node on the cluster's database that publishes and hears nothing (no Redis): every change it
 * makes is a message the others never get, and every change of theirs one it never gets.
 */
export async function silentNode(settings: ClusterSettings): Promise<ServerProcess> {
  return startServerProcess({
    PORT: String(await freePort()),
    DATA_DIR: await tempDir('gamebook-silent-node-'),
    STORAGE: 'postgres',
    DATABASE_URL: settings.databaseUrl,
    SESSION_SECRET: SECRET,
  });
}

/** Started one after the other: a loaded machine compiling several at once would pass the start deadline. */
export async function clusterNodes(count: number, settings: ClusterSettings, env: Record<string, string> = {}): Promise<ServerProcess[]> {
  const nodes: ServerProcess[] = [];
  for (let i = 0; i < count; i++) nodes.push(await clusterNode(settings, env));
  return nodes;
}

/** Three nodes (or `nodes`) behind a real HAProxy, as in production. */
export interface Cluster {
  /** The balancer's URL: where clients connect. */
  url: string;
  balancer: Balancer;
  nodes: Array<{ id: string; port: number; process: ServerProcess }>;
  settings: ClusterSettings;
  /** SIGKILLs node `index` and waits until it is gone. */
  kill(index: number): Promise<void>;
  /** Starts node `index` again, on its port, once it was killed. */
  restart(index: number): Promise<void>;
}

export interface ClusterOptions {
  nodes?: number;
  balance?: Balance;
  /** More settings for every node. */
  env?: Record<string, string>;
}

/**
 * Nodes on free loopback ports (one database and Redis prefix of this test file, one
 * SESSION_SECRET, NODE_ID node1...), behind a haproxy that health-checks /healthz.
 */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const settings = await clusterSettings();
  const ports = await Promise.all(Array.from({ length: options.nodes ?? 3 }, () => freePort()));
  const startNode = (index: number) => clusterNode(settings, { NODE_ID: `node${index + 1}`, ...options.env }, ports[index]);
  const nodes: Cluster['nodes'] = [];
  // one after the other, as clusterNodes does
  for (const [index, port] of ports.entries()) nodes.push({ id: `node${index + 1}`, port, process: await startNode(index) });
  const balancer = await startBalancer(ports, options.balance);
  return {
    url: balancer.url,
    balancer,
    nodes,
    settings,
    kill: async (index) => {
      const node = nodes[index]!;
      node.process.child.kill('SIGKILL');
      await node.process.exited;
    },
    restart: async (index) => {
      nodes[index]!.process = await startNode(index);
    },
  };
}
