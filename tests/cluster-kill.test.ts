import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson } from '../shared/canonical-json';
import { crc32Utf8 } from '../shared/crc32';
import { syncClient, type TestClient } from './support/clients';
import { startCluster, type Cluster } from './support/cluster';
import { eventually } from './support/harness';
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

/** Each client writes `c<i>n<k>` = k for k = 1, 2, ... until stopped; `written` counts what each wrote. */
function keepWriting(clients: TestClient[]) {
  const written = clients.map(() => 0);
  const timer = setInterval(() => {
    clients.forEach(({ client }, i) => {
      written[i]!++;
      client.update({ [`c${i}n${written[i]}`]: written[i]! });
    });
  }, WRITE_EVERY_MS);
  return { written, stop: () => clearInterval(timer) };
}

describe('a node killed with SIGKILL while clients stream updates', () => {
  it('H3: at several moments, the node that appended last is killed: its clients reconnect to another node by themselves, nothing written is lost, all converge with one CRC', async (t) => {
    const clients = await Promise.all(['host', 'p1', 'p2'].map((name) => syncClient(cluster.url, name)));
    t.after(() => clients.forEach(({ client }) => client.close()));
    const { sessionId } = await clients[0]!.socket.emitWithAck('create-session');
    await Promise.all(clients.map(({ client }) => client.join(sessionId)));
    const writer = keepWriting(clients);
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
    const settled = () => {
      const version = clients[0]!.client.version;
      return clients.every(({ client }) => client.status === 'connected' && client.pendingEdits === 0 && client.version === version);
    };
    await eventually(settled, 60_000, 'every client connected, its edits confirmed, at one version');

    const state = clients[0]!.client.state;
    writer.written.forEach((count, i) => {
      for (let k = 1; k <= count; k++) assert.equal(state[`c${i}n${k}`], k, `client ${i}'s write ${k} is in the state`);
    });
    assert.equal(Object.keys(state).length, writer.written.reduce((sum, count) => sum + count, 0), 'nothing more');
    for (const { client } of clients) {
      assert.deepEqual(client.state, state);
      assert.equal(client.confirmedCrc, crc32Utf8(canonicalJson(state)), 'every client has the same CRC, the one of the state');
    }
  });
});
