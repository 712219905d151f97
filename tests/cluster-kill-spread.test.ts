import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { syncClient, type TestClient } from './support/clients';
import { startCluster, type Cluster } from './support/cluster';
import { eventually } from './support/harness';
import { assertEveryWriteKept, keepWriting } from './support/stream-writes';
import { adminQuery } from './support/postgres';
import { scrape, total } from './support/prometheus';

/** Every client writes a key of its own this often, whatever the cluster is doing. */
const WRITE_EVERY_MS = 20;

/** Round robin: the clients, connected one at a time, land one on each node. */
const cluster = await startCluster({ nodes: 3 });

async function socketsPerNode(cluster: Cluster): Promise<number[]> {
  return Promise.all(cluster.nodes.map(async (node) => total(await scrape(`http://127.0.0.1:${node.port}`), 'gamebook_sockets')));
}

/** The node whose socket count passes `before` (a client just connected through the balancer), or -1. */
async function nodeGaining(before: number[]): Promise<number> {
  for (let tries = 0; tries < 100; tries++) {
    const gained = (await socketsPerNode(cluster)).findIndex((count, i) => count > before[i]!);
    if (gained >= 0) return gained;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return -1;
}

describe('a node killed with SIGKILL while clients on every node write', () => {
  it('H3b: the node that appended last (by the log) is killed while a client on each node writes: every acknowledged write is in the final state, all clients one CRC', async (t) => {
    // one at a time, each found on its node by the nodes' own socket counts
    const clients: TestClient[] = [];
    const nodeOf: number[] = [];
    for (const name of ['host', 'p1', 'p2']) {
      const before = await socketsPerNode(cluster);
      clients.push(await syncClient(cluster.url, name));
      nodeOf.push(await nodeGaining(before));
    }
    t.after(() => clients.forEach(({ client }) => client.close()));
    assert.deepEqual([...nodeOf].sort(), [0, 1, 2], 'one client on each node');
    const { sessionId } = await clients[0]!.socket.emitWithAck('create-session');
    await Promise.all(clients.map(({ client }) => client.join(sessionId)));
    const writer = keepWriting(clients, WRITE_EVERY_MS);
    const confirmed = () => Math.min(...clients.map(({ client }) => client.version ?? 0));
    await eventually(() => confirmed() >= 40, 60_000, '40 versions confirmed on every client');

    // the last version in the log names its writer's key: its node appended last
    const last = await adminQuery(cluster.settings.databaseUrl, `SELECT delta FROM deltas WHERE session_id = '${sessionId}' ORDER BY version DESC LIMIT 1`);
    const raw: unknown = last.rows[0].delta;
    const key = Object.keys((typeof raw === 'string' ? JSON.parse(raw) : raw) as object)[0]!;
    const victim = nodeOf[Number(/^c(\d+)n/.exec(key)?.[1])]!;
    await cluster.kill(victim);
    const moved = confirmed();
    await eventually(() => confirmed() > moved + 20, 60_000, `every client writing again after node${victim + 1} was killed`);
    writer.stop();
    await assertEveryWriteKept(clients, writer);
  });
});
