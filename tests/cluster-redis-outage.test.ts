import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { syncClient, type TestClient } from './support/clients';
import { clusterNode, clusterNodes, clusterSettings } from './support/cluster';
import { encodeBinary } from '../shared/binary-codec';
import type { PdfData } from '../shared/layers-protocol';
import { RoleClientEvent, RoleServerEvent, type GmDocument } from '../shared/roles-protocol';
import { eventually, nextEvent, request } from './support/harness';
import { ownRedis } from './support/own-redis';
import type { ServerProcess } from './support/server-process';
import { tcpProxy } from './support/tcp-proxy';
import { closeAll, join, minimalPdf, player, tableAcross, uploadPdf, type Player } from './support/table';

function settled(clients: TestClient[], version: number) {
  return () => clients.every(({ client }) => client.status === 'connected' && client.version === version && client.pendingEdits === 0);
}

async function health(node: ServerProcess): Promise<{ status: string; engines: Record<string, string> }> {
  return (await fetch(`${node.url}/healthz`)).json() as Promise<{ status: string; engines: Record<string, string> }>;
}

/** Polls /healthz of every node until each says `status`. */
async function allSay(nodes: ServerProcess[], status: string): Promise<void> {
  const said = new Map<ServerProcess, string>();
  const poll = setInterval(() => nodes.forEach((node) => void health(node).then((answer) => said.set(node, answer.status), () => undefined)), 100);
  try {
    await eventually(() => nodes.every((node) => said.get(node) === status), 20_000, `every node to say ${status}`);
  } finally {
    clearInterval(poll);
  }
}

/** Two nodes on a Redis of the test's own, Hana at a new table through node one, Pia through node two. */
async function tableOnTwoNodes(t: TestContext) {
  const redis = await ownRedis();
  const nodes = (await clusterNodes(2, await clusterSettings(redis.url))) as [ServerProcess, ServerProcess];
  const { sessionId, players } = await tableAcross(t, [nodes[0].url, 'Hana'], [nodes[1].url, 'Pia']);
  const [hana, pia] = players as [Player, Player];
  return { redis, nodes, hana, pia, sessionId };
}

describe('Redis stopped and started again under two nodes', () => {
  it('F4: the nodes keep serving their own clients, say degraded (fanout down) and log it, then resubscribe and converge through the log', async (t) => {
    const redis = await ownRedis();
    const settings = await clusterSettings(redis.url);
    const nodes = (await clusterNodes(2, settings)) as [ServerProcess, ServerProcess];
    const a = await syncClient(nodes[0].url, 'a');
    const b = await syncClient(nodes[1].url, 'b');
    t.after(() => [a, b].forEach(({ client }) => client.close()));
    const { sessionId } = await a.socket.emitWithAck('create-session');
    await Promise.all([a.client.join(sessionId), b.client.join(sessionId)]);
    a.client.update({ counters: [{ id: 'a', value: 1 }] });
    await eventually(settled([a, b], 1), 10_000, 'both at 1 through the fan-out');
    assert.deepEqual((await health(nodes[0])).engines, { storage: 'up', fanout: 'up' });

    await redis.stop();
    await allSay(nodes, 'degraded');
    assert.deepEqual((await health(nodes[1])).engines, { storage: 'up', fanout: 'down' });
    // each node serves its own client: edits are acknowledged (node two's after it lost the race for version 2)
    a.client.update({ counters: [{ id: 'a', value: 2 }] });
    await eventually(settled([a], 2), 10_000, 'a acknowledged without Redis');
    b.client.update({ notes: [{ id: 'n1', text: 'written while Redis was down' }] });
    await eventually(() => b.client.pendingEdits === 0 && b.client.version === 3, 15_000, 'b acknowledged without Redis, after merging a\'s edit from the log');
    assert.equal(a.client.version, 2, 'a has not heard of b\'s edit: there is no fan-out');

    await redis.start();
    await allSay(nodes, 'ok');
    await eventually(settled([a, b], 3), 15_000, 'a catches up from the log once Redis is back');
    assert.equal(a.client.confirmedCrc, b.client.confirmedCrc);
    assert.deepEqual(a.client.state, { counters: [{ id: 'a', value: 2 }], notes: [{ id: 'n1', text: 'written while Redis was down' }] });
    // and the fan-out carries changes again
    b.client.update({ counters: [{ id: 'a', value: 2 }, { id: 'b', value: 1 }] });
    await eventually(settled([a, b], 4), 10_000, 'both at 4 through the fan-out again');
    for (const node of nodes) {
      assert.match(node.output(), /fan-out: Redis does not answer/);
      assert.match(node.output(), /fan-out: Redis is back/);
    }
  });

  it('F5: roles and a game master edit stored while Redis was down reach the other node\'s sockets once it is back', async (t) => {
    const { redis, nodes, hana, pia } = await tableOnTwoNodes(t);
    const piaDocuments: GmDocument[] = [];
    pia.socket.on(RoleServerEvent.gmDocument, (document: GmDocument) => piaDocuments.push(document));

    await redis.stop();
    await allSay(nodes, 'degraded');
    // stored through node one; the message to node two is dropped with Redis away
    assert.equal((await request(hana.socket, RoleClientEvent.setRole, { userId: pia.user.id, role: 'game-master' })).ok, true);
    const notes = [{ id: 'n1', text: 'decided while Redis was down' }];
    assert.deepEqual(await request(hana.socket, RoleClientEvent.changeGmDocument, { changes: notes.map((note) => ({ op: 'put-note', note })) }), { ok: true, revision: 1 });

    const roles = nextEvent(pia.socket, RoleServerEvent.roles, 30_000);
    await redis.start();
    assert.deepEqual((await roles).gameMasters, [pia.user.id], 'node two read the roles again once Redis was back');
    await eventually(() => piaDocuments.at(-1)?.revision === 1, 15_000, 'the new game master on node two gets the stored document');
    assert.deepEqual(piaDocuments.at(-1)?.notes, notes);
  });

  it('F7: layers drawn, books added and removed and the page turned on one node while Redis was down reach the other node\'s players once it is back', async (t) => {
    const { redis, nodes, hana, pia, sessionId } = await tableOnTwoNodes(t);
    const upload = async (who: Player, note: string) => (await (await uploadPdf(nodes[0].url, sessionId, who.token, minimalPdf(note))).json()) as PdfData;
    const kept = await upload(hana, 'kept');
    const dropped = await upload(hana, 'dropped');
    await eventually(() => pia.table.pdfs.length === 2, 10_000, 'both books reach node two through the fan-out');

    await redis.stop();
    await allSay(nodes, 'degraded');
    // stored through node one; every message to node two is dropped with Redis away
    const layers = { tokens: [{ id: 't1', x: 3 }] };
    assert.deepEqual(await request(hana.socket, 'update-layers', encodeBinary({ pdfId: kept.id, pageNum: 1, layers })), { ok: true, revision: 1 });
    const added = await upload(hana, 'added while Redis was down');
    const removed = await fetch(`${nodes[0].url}/api/sessions/${sessionId}/pdfs/${dropped.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${hana.token}` } });
    assert.equal(removed.status, 204);
    const view = { pdfId: added.id, currentPage: 1, scale: 2 };
    assert.deepEqual(await request(hana.socket, 'navigate-page', view), { ok: true });
    assert.equal(pia.table.revisionOf(kept.id, 1), 0, 'node two has not heard of the drawing: there is no fan-out');

    await redis.start();
    await allSay(nodes, 'ok');
    await eventually(() => pia.table.revisionOf(kept.id, 1) === 1, 15_000, 'the drawing reaches node two once Redis is back');
    assert.deepEqual(pia.table.layersOf(kept.id, 1), layers);
    await eventually(() => pia.table.view?.pdfId === added.id, 15_000, 'the page turned reaches node two');
    assert.deepEqual(pia.table.view, view);
    assert.deepEqual(pia.table.pdfs.map((pdf) => pdf.id).sort(), [kept.id, added.id].sort(), 'the book added is there, the one removed is gone');
    // a player joining node two now finds the same table
    const lio = await player(nodes[1].url, 'Lio');
    t.after(() => closeAll([lio]));
    const full = await join(lio, sessionId);
    assert.equal(full.layerRevisions[kept.id]?.[1], 1);
    assert.deepEqual(full.view, view);
  });

  it('F11: a node told to stop while Redis is down stops cleanly, at once, without waiting for Redis', async () => {
    const redis = await ownRedis();
    const [node] = (await clusterNodes(1, await clusterSettings(redis.url))) as [ServerProcess];
    await redis.stop();
    await allSay([node], 'degraded');
    node.child.kill('SIGTERM');
    const code = await Promise.race([node.exited, delay(10_000, 'still running 10 s after SIGTERM')]);
    // 0 only once everything closed (run-server.ts): the sockets, the fan-out, the store
    assert.equal(code, 0, node.output());
  });

  it('F8: one node cut from Redis alone: the drawing, the book and the page its player stored meanwhile reach the other node\'s player once it is back', async (t) => {
    const table = await tableWithOneNodeProxied(t, 'one');
    const { proxy, nodes, pia } = table;
    proxy.cut();
    await allSay([nodes.one], 'degraded');
    assert.equal((await health(nodes.two)).status, 'ok', 'node two still has Redis: it has no outage to recover from');
    const stored = await storeThroughNodeOne(table, 4);

    proxy.pass();
    await allSay([nodes.one], 'ok');
    await reachedNodeTwo(pia, stored);
  });

  it('F10: one node cut from Redis alone while the other stores: the roles, the drawing, the book and the page it missed reach its player once it is back', (t) =>
    nodeTwoMissesWhatNodeOneStores(t, 'cut'));

  it('F12: as F10, the connection stalled instead (no answer, left open, as when packets drop): node two says degraded, then catches up once it is back', (t) =>
    nodeTwoMissesWhatNodeOneStores(t, 'stall'));

  it('F13: while its Redis stalls, a player joins a table node two had not loaded, without waiting on Redis; once it answers, the table is followed', async (t) => {
    const { proxy, nodes, hana, pia } = await tableWithOneNodeProxied(t, 'two');
    const { sessionId } = await request(hana.socket, 'create-session');
    await join(hana, sessionId);
    proxy.stall();
    await allSay([nodes.two], 'degraded');
    // within the request's 5 s: node two does not wait for the subscription, the members, the clock
    const joined = await join(pia, sessionId);
    assert.equal(joined.sessionId, sessionId);

    proxy.pass();
    await allSay([nodes.two], 'ok');
    const delta = nextEvent(pia.socket, 'game-state-delta', 15_000);
    assert.equal((await request(hana.socket, 'update-game-state', { updates: { after: 'the stall' } })).ok, true);
    assert.match(JSON.stringify(await delta), /the stall/, 'node two follows the table it loaded during the stall');
  });
});

/** Node two away from Redis (`cut` or `stall`) while node one stores: once back, node two's player has it all. */
async function nodeTwoMissesWhatNodeOneStores(t: TestContext, outage: 'cut' | 'stall'): Promise<void> {
  const table = await tableWithOneNodeProxied(t, 'two');
  const { proxy, nodes, hana, pia } = table;
  proxy[outage]();
  await allSay([nodes.two], 'degraded');
  assert.equal((await health(nodes.one)).status, 'ok', 'node one still has Redis: it publishes, and the messages reach no one on node two');
  assert.equal((await request(hana.socket, RoleClientEvent.setRole, { userId: pia.user.id, role: 'game-master' })).ok, true);
  const stored = await storeThroughNodeOne(table, 5);
  assert.equal(pia.table.revisionOf(stored.kept.id, 1), 0, 'node two has not heard of the drawing');

  const roles = nextEvent(pia.socket, RoleServerEvent.roles, 30_000);
  proxy.pass();
  await allSay([nodes.two], 'ok');
  assert.deepEqual((await roles).gameMasters, [pia.user.id], 'node two read the roles again once it was back');
  await reachedNodeTwo(pia, stored);
}

type ProxiedTable = Awaited<ReturnType<typeof tableWithOneNodeProxied>>;

/**
 * Hana on node one and Pia on node two at one table with a book both see; `proxied` reaches
 * Redis through a TCP proxy the test cuts or stalls, the other directly.
 */
async function tableWithOneNodeProxied(t: TestContext, proxied: 'one' | 'two') {
  const settings = await clusterSettings();
  const proxy = await tcpProxy({ host: '127.0.0.1', port: Number(new URL(settings.redisUrl).port) });
  const throughProxy = { REDIS_URL: `redis://127.0.0.1:${proxy.port}` };
  const one = await clusterNode(settings, proxied === 'one' ? throughProxy : {});
  const two = await clusterNode(settings, proxied === 'two' ? throughProxy : {});
  const { sessionId, players } = await tableAcross(t, [one.url, 'Hana'], [two.url, 'Pia']);
  const [hana, pia] = players as [Player, Player];
  const upload = async (note: string) => (await (await uploadPdf(one.url, sessionId, hana.token, minimalPdf(note))).json()) as PdfData;
  const kept = await upload('kept');
  await eventually(() => pia.table.pdfs.length === 1, 10_000, 'the book reaches node two through the fan-out');
  return { proxy, nodes: { one, two }, hana, pia, upload, kept };
}

/** Through Hana on node one: a token drawn at `x` on the book's first page, a book added, the page turned to it. */
async function storeThroughNodeOne({ hana, upload, kept }: ProxiedTable, x: number) {
  const layers = { tokens: [{ id: 't1', x }] };
  assert.deepEqual(await request(hana.socket, 'update-layers', encodeBinary({ pdfId: kept.id, pageNum: 1, layers })), { ok: true, revision: 1 });
  const added = await upload('added while a node was cut off');
  const view = { pdfId: added.id, currentPage: 1, scale: 1 + x / 4 };
  assert.deepEqual(await request(hana.socket, 'navigate-page', view), { ok: true });
  return { kept, layers, added, view };
}

/** Pia, on node two, has what node one stored: the drawing, both books, the page turned. */
async function reachedNodeTwo(pia: Player, stored: Awaited<ReturnType<typeof storeThroughNodeOne>>): Promise<void> {
  const { kept, layers, added, view } = stored;
  await eventually(() => pia.table.revisionOf(kept.id, 1) === 1, 15_000, 'the drawing reaches node two');
  assert.deepEqual(pia.table.layersOf(kept.id, 1), layers);
  await eventually(() => pia.table.view?.pdfId === added.id, 15_000, 'the page turned reaches node two');
  assert.deepEqual(pia.table.view, view);
  assert.deepEqual(pia.table.pdfs.map((pdf) => pdf.id).sort(), [kept.id, added.id].sort());
}
