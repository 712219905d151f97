import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { syncClient } from './support/clients';
import { startCluster, type Cluster } from './support/cluster';
import { eventually } from './support/harness';
import { assertEveryWriteKept, keepWriting } from './support/stream-writes';
import { scrape, total } from './support/prometheus';

/** Every client writes a key of its own this often, whatever the cluster is doing. */
const WRITE_EVERY_MS = 20;

/**
 * `first`: every client is on the first node that is up, which is thus the one that appended
 * last; killed, its clients go (by themselves, through HAProxy) to the next one.
 */
const cluster = await startCluster({ nodes: 3, balance: 'first' });

/** The node that holds the clients now, by the nodes' own /metrics: the one appending. */
async function appendingNode(cluster: Cluster, alive: Set<number>): Promise<number> {
  for (const index of alive) {
    const samples = await scrape(`http://127.0.0.1:${cluster.nodes[index]!.port}`);
    if (total(samples, 'gamebook_sockets') > 0) return index;
  }
  throw new Error('no live node holds a socket');
}

describe('a node killed with SIGKILL while clients stream updates', () => {
  it('H3: at several moments, the node that appended last is killed: its clients reconnect to another node by themselves, nothing written is lost, all converge with one CRC', async (t) => {
    const clients = await Promise.all(['host', 'p1', 'p2'].map((name) => syncClient(cluster.url, name)));
    t.after(() => clients.forEach(({ client }) => client.close()));
    const { sessionId } = await clients[0]!.socket.emitWithAck('create-session');
    await Promise.all(clients.map(({ client }) => client.join(sessionId)));
    const writer = keepWriting(clients, WRITE_EVERY_MS);
    const alive = new Set([0, 1, 2]);
    const confirmed = () => Math.min(...clients.map(({ client }) => client.version ?? 0));

    // a kill soon after the clients came, one in full stream, one after a longer run
    for (const acknowledgedMore of [3, 40, 120]) {
      const from = confirmed();
      await eventually(() => confirmed() >= from + acknowledgedMore, 60_000, `${acknowledgedMore} more versions confirmed`);
      const victim = await appendingNode(cluster, alive);
      await cluster.kill(victim);
      alive.delete(victim);
      const moved = confirmed();
      await eventually(() => confirmed() > moved + 3, 60_000, `the clients writing again through another node after node${victim + 1} was killed`);
      const now = await appendingNode(cluster, alive);
      assert.notEqual(now, victim);
      // back for a later round: three nodes up again
      await cluster.restart(victim);
      alive.add(victim);
    }
    writer.stop();
    await assertEveryWriteKept(clients, writer);
  });
});
