import { testDatabase } from './postgres';
import { freePort, startServerProcess, type ServerProcess } from './server-process';
import { startBalancer, type Balance, type Balancer } from './haproxy';
import { tempDir } from './temp-dir';

/** What every node of one test's cluster shares. */
const SECRET = 'one-secret-that-every-node-of-the-cluster-shares';

/** Three processes compiling at once on a machine that others load too: a minute each. */
const NODE_READY_MS = 60_000;

export interface ClusterNode {
  id: string;
  port: number;
  process: ServerProcess;
}

export interface Cluster {
  /** The balancer's URL: where clients connect, as in production. */
  url: string;
  balancer: Balancer;
  nodes: ClusterNode[];
  databaseUrl: string;
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
 * Real `npm start` processes on STORAGE=postgres (one database of this test, one SESSION_SECRET)
 * on free loopback ports, behind a real haproxy that health-checks /healthz.
 */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const databaseUrl = await testDatabase();
  const ports = await Promise.all(Array.from({ length: options.nodes ?? 3 }, () => freePort()));
  const startNode = async (index: number): Promise<ServerProcess> =>
    startServerProcess({
      PORT: String(ports[index]),
      NODE_ID: `node${index + 1}`,
      DATA_DIR: await tempDir('gamebook-cluster-node-'),
      STORAGE: 'postgres',
      DATABASE_URL: databaseUrl,
      SESSION_SECRET: SECRET,
      ...options.env,
    }, undefined, NODE_READY_MS);
  const processes = await Promise.all(ports.map((_, index) => startNode(index)));
  const nodes = processes.map((process, index) => ({ id: `node${index + 1}`, port: ports[index]!, process }));
  const balancer = await startBalancer(ports, options.balance);
  return {
    url: balancer.url,
    balancer,
    nodes,
    databaseUrl,
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
