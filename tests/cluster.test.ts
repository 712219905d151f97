import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { PdfData } from '../shared/layers-protocol';
import { type Cluster, startCluster } from './support/cluster';
import { guest, openSocket, request } from './support/harness';
import { scrape, total } from './support/prometheus';
import { samplePdf } from './support/sample-pdf';
import { closeAll, join, player, type Player, uploadPdf } from './support/table';
import { TableClient } from '../shared/table-client';

/** `count` players whose sockets go through the balancer, one after another. */
async function playersThrough(cluster: Cluster, count: number): Promise<Player[]> {
  // tokens first: consecutive socket connections then take consecutive turns of the round robin
  const identities = await Promise.all(Array.from({ length: count }, (_, i) => guest(cluster.url, `p${i}`)));
  const players: Player[] = [];
  for (const identity of identities) {
    const socket = await openSocket(cluster.url, identity.token);
    players.push({ ...identity, socket, table: new TableClient({ socket }) });
  }
  return players;
}

/** Sockets each node holds now, by its own /metrics. */
async function socketsPerNode(cluster: Cluster): Promise<number[]> {
  return Promise.all(cluster.nodes.map(async (node) => total(await scrape(`http://127.0.0.1:${node.port}`), 'gamebook_sockets')));
}

// at the top of the file: what startCluster starts is stopped when the file ends (after() in a before() hook would stop it when the hook ends)
const cluster = await startCluster({ nodes: 3, balance: 'roundrobin' });

describe('three nodes on PostgreSQL behind HAProxy', () => {
  it('H1: clients through the balancer spread over the nodes share one table with one linear history', async (t) => {
    const players = await playersThrough(cluster, 6);
    t.after(() => closeAll(players));
    assert.deepEqual(await socketsPerNode(cluster), [2, 2, 2], 'two sockets on each node');
    const { sessionId } = await request(players[0]!.socket, 'create-session');
    // the table was made on one node: the others load it from PostgreSQL
    for (const someone of players) await join(someone, sessionId);

    const acks = await Promise.all(players.map((someone, i) => request(someone.socket, 'update-game-state', { updates: { [`p${i}`]: i } })));
    for (const ack of acks) assert.equal(ack.ok, true, JSON.stringify(ack));
    const versions = acks.map((ack) => ack.version as number).sort((a, b) => a - b);
    assert.deepEqual(versions, [1, 2, 3, 4, 5, 6], 'one version each, whichever node took it: no version twice');

    // a client that joins later, on any node, reads every update whatever node took it
    const late = (await playersThrough(cluster, 3));
    t.after(() => closeAll(late));
    const seen = await Promise.all(late.map((someone) => join(someone, sessionId)));
    const everyUpdate = Object.fromEntries(players.map((_, i) => [`p${i}`, i]));
    const fresh = seen.filter((full) => full.version === 6);
    assert.ok(fresh.length > 0, 'at least one node read the table back at version 6');
    for (const full of fresh) assert.deepEqual(full.state, everyUpdate);
  });

  it('H2: a PDF uploaded through one node is read whole and with Range through the others and through the balancer', async (t) => {
    const [first, ...others] = cluster.nodes.map((node) => `http://127.0.0.1:${node.port}`);
    const host = await player(first!, 'host');
    t.after(() => closeAll([host]));
    const { sessionId } = await request(host.socket, 'create-session');
    await join(host, sessionId);
    const book = await samplePdf(2, 700_000);
    const uploaded = await uploadPdf(first!, sessionId, host.token, book);
    assert.equal(uploaded.status, 201);
    const pdf = (await uploaded.json()) as PdfData;
    assert.equal(pdf.sha256, createHash('sha256').update(book).digest('hex'));
    const authorization = `Bearer ${host.token}`;
    // four reads through the balancer: its round robin passes each node at least once
    for (const base of [...others, ...Array<string>(4).fill(cluster.url)]) {
      const whole = await fetch(`${base}${pdf.url}`, { headers: { authorization } });
      assert.equal(whole.status, 200, base);
      assert.deepEqual(Buffer.from(await whole.arrayBuffer()), book);
      const part = await fetch(`${base}${pdf.url}`, { headers: { authorization, range: 'bytes=262000-400999' } });
      assert.equal(part.status, 206, base);
      assert.equal(part.headers.get('content-range'), `bytes 262000-400999/${book.length}`);
      assert.deepEqual(Buffer.from(await part.arrayBuffer()), book.subarray(262_000, 401_000));
    }
  });
});
