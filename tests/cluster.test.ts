import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Socket } from 'socket.io-client';
import { ROLL_DICE_EVENT } from '../shared/dice';
import type { PdfData } from '../shared/layers-protocol';
import { PRESENCE_EVENT, type PresenceEvent } from '../shared/presence';
import type { GameStateDelta } from '../shared/protocol';
import { type Cluster, startCluster } from './support/cluster';
import { eventually, guest, openSocket, request } from './support/harness';
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

/**
 * The versions `socket` holds: each delta's, and every one up to a full state's (a node that lost
 * the race for a version sends its members the table as stored, which holds all before it).
 */
function versionsSeen(socket: Socket): Set<number> {
  const versions = new Set<number>();
  socket.on('game-state-delta', (delta: GameStateDelta) => versions.add(delta.version));
  socket.on('full-game-state', (full: { version: number }) => {
    for (let version = 1; version <= full.version; version++) versions.add(version);
  });
  return versions;
}

/** The names in the last presence list `socket` received, sorted. */
function presenceOf(socket: Socket): { names: string[] } {
  const seen = { names: [] as string[] };
  socket.on(PRESENCE_EVENT, (event: PresenceEvent) => (seen.names = event.members.map((member) => member.name).sort()));
  return seen;
}

/** Sockets each node holds now, by its own /metrics. */
async function socketsPerNode(cluster: Cluster): Promise<number[]> {
  return Promise.all(cluster.nodes.map(async (node) => total(await scrape(`http://127.0.0.1:${node.port}`), 'gamebook_sockets')));
}

// at the top of the file: what startCluster starts is stopped when the file ends (after() in a before() hook would stop it when the hook ends)
const cluster = await startCluster({ nodes: 3, balance: 'roundrobin' });

describe('three nodes on PostgreSQL behind HAProxy', () => {
  it('H1: clients through the balancer spread over the nodes share one table: one linear history, and every delta, roll and presence list reaches everyone', async (t) => {
    const players = await playersThrough(cluster, 6);
    t.after(() => closeAll(players));
    assert.deepEqual(await socketsPerNode(cluster), [2, 2, 2], 'two sockets on each node');
    const seen = players.map((someone) => versionsSeen(someone.socket));
    const lists = players.map((someone) => presenceOf(someone.socket));
    const { sessionId } = await request(players[0]!.socket, 'create-session');
    // the table was made on one node: the others load it from PostgreSQL
    for (const someone of players) await join(someone, sessionId);
    const everyone = players.map((someone) => someone.user.name).sort().join();
    await eventually(() => lists.every((list) => list.names.join() === everyone), 20_000, 'everyone in every presence list');

    const acks = await Promise.all(players.map((someone, i) => request(someone.socket, 'update-game-state', { updates: { [`p${i}`]: i } })));
    for (const ack of acks) assert.equal(ack.ok, true, JSON.stringify(ack));
    const versions = acks.map((ack) => ack.version as number).sort((a, b) => a - b);
    assert.deepEqual(versions, [1, 2, 3, 4, 5, 6], 'one version each, whichever node took it: no version twice');
    const rolled = await request(players[5]!.socket, ROLL_DICE_EVENT, { expression: '1d20' });
    assert.equal(rolled.ok, true);
    await eventually(() => seen.every((versions) => [1, 2, 3, 4, 5, 6, 7].every((version) => versions.has(version))), 20_000, 'versions 1-7 at every client, whatever node');

    // clients that join later, through each node, read the same table
    const late = await playersThrough(cluster, 3);
    t.after(() => closeAll(late));
    const fulls = await Promise.all(late.map((someone) => join(someone, sessionId)));
    for (const full of fulls) {
      assert.equal(full.version, 7);
      assert.deepEqual(full.state, fulls[0]!.state);
      for (let i = 0; i < 6; i++) assert.equal(full.state[`p${i}`], i);
    }
  });

  it('H2: a PDF uploaded through one node is read whole and with Range by a player through every node and through the balancer', async (t) => {
    const [first, ...others] = cluster.nodes.map((node) => `http://127.0.0.1:${node.port}`);
    const host = await player(first!, 'host');
    const readers = await playersThrough(cluster, 3);
    t.after(() => closeAll([host, ...readers]));
    const { sessionId } = await request(host.socket, 'create-session');
    await join(host, sessionId);
    // joined before the upload, on every node: each node holds the table when the PDF comes
    for (const reader of readers) await join(reader, sessionId);
    const book = await samplePdf(2, 700_000);
    const uploaded = await uploadPdf(first!, sessionId, host.token, book);
    assert.equal(uploaded.status, 201);
    const pdf = (await uploaded.json()) as PdfData;
    assert.equal(pdf.sha256, createHash('sha256').update(book).digest('hex'));
    const authorization = `Bearer ${readers[0]!.token}`;
    // four reads through the balancer: its round robin passes each node at least once
    for (const base of [first!, ...others, ...Array<string>(4).fill(cluster.url)]) {
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
