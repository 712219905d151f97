import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Socket } from 'socket.io-client';
import { plainState } from '../shared/patched-array';
import type { GameStateDelta } from '../shared/protocol';
import { syncClient, type TestClient } from './support/clients';
import { clusterNodes, clusterSettings } from './support/cluster';
import { eventually, guestToken, nextEvent, openSocket, request } from './support/harness';
import { adminQuery } from './support/postgres';
import type { ServerProcess } from './support/server-process';

const SENDERS_PER_NODE = 3;
const UPDATES_PER_SENDER = 12;

interface Sent {
  updateId: string;
  version: number;
}

/** A raw socket at the table that sends `count` updates at once, each its own key and a note appended from version 0. */
async function race(socket: Socket, name: string, count: number): Promise<Sent[]> {
  const sends = Array.from({ length: count }, async (_, i) => {
    const updateId = `${name}-${i + 1}`;
    const updates = { [`${name}_${i}`]: i, notes: [{ id: updateId, by: name }] };
    // baseVersion 0 for all: every update merged onto what the other senders, on both nodes, did since
    // no deadline of 5 s: a loaded machine with every update retried after lost races may take longer
    const ack = await socket.timeout(60_000).emitWithAck('update-game-state', { updates, baseVersion: 0, updateId });
    assert.equal(ack.ok, true, `${updateId}: ${JSON.stringify(ack)}`);
    return { updateId, version: ack.version as number };
  });
  return Promise.all(sends);
}

function settled(clients: TestClient[], version: number) {
  return () => clients.every(({ client }) => client.status === 'connected' && client.version === version && client.pendingEdits === 0);
}

describe('two nodes racing on one table (STORAGE=postgres, REDIS_URL)', () => {
  it('F2: clients on both nodes send at once from old versions: one linear history, each acknowledged update applied once, every edit kept, one CRC everywhere; a resend through the other node is not applied again', async (t) => {
    const settings = await clusterSettings();
    const nodes = (await clusterNodes(2, settings, { UPDATES_PER_SECOND: '1000', UPDATES_BURST: '1000' })) as [ServerProcess, ServerProcess];
    const watchers = await Promise.all(nodes.map((node, i) => syncClient(node.url, `watcher${i}`)));
    t.after(() => watchers.forEach(({ client }) => client.close()));
    const { sessionId } = await watchers[0]!.socket.emitWithAck('create-session');
    await Promise.all(watchers.map(({ client }) => client.join(sessionId)));
    const senders = await Promise.all(
      Array.from({ length: 2 * SENDERS_PER_NODE }, async (_, i) => {
        const node = nodes[i % 2]!;
        const token = await guestToken(node.url, `s${i}`);
        const socket = await openSocket(node.url, token);
        t.after(() => socket.disconnect());
        await request(socket, 'join-session', sessionId);
        return { socket, token, name: `s${i}` };
      }),
    );
    // the watchers edit too, through their sync clients, while the senders race
    watchers[0]!.client.update({ counters: [{ id: 'w0', value: 1 }] });
    watchers[1]!.client.update({ counters: [{ id: 'w1', value: 1 }] });
    const acked = (await Promise.all(senders.map(({ socket, name }) => race(socket, name, UPDATES_PER_SENDER)))).flat();

    const total = 2 * SENDERS_PER_NODE * UPDATES_PER_SENDER + 2;
    const where = () => watchers.map(({ client }) => `${client.status} v${client.version} pending ${client.pendingEdits}`).join('; ');
    await eventually(settled(watchers, total), 30_000, `both watchers at version ${total}`).catch((error: Error) => {
      throw new Error(`${error.message}: ${where()}; ${nodes.map((node) => node.output()).join('\n')}`);
    });
    const [first, second] = watchers as [TestClient, TestClient];
    assert.equal(first.client.confirmedCrc, second.client.confirmedCrc, 'one CRC on both nodes');
    assert.deepEqual(plainState(first.client.state), plainState(second.client.state));
    const state = plainState(first.client.state);
    for (const { updateId } of acked) {
      const [name, n] = updateId.split('-') as [string, string];
      assert.equal(state[`${name}_${Number(n) - 1}`], Number(n) - 1, `the key of ${updateId} is kept`);
    }
    const notes = (state.notes as Array<{ id: string }>).map((note) => note.id).sort();
    assert.deepEqual(notes, acked.map((sent) => sent.updateId).sort(), 'every note appended from version 0 is kept, once');
    const counters = (state.counters as Array<{ id: string; value: number }>).map(({ id, value }) => `${id}=${value}`).sort();
    assert.deepEqual(counters, ['w0=1', 'w1=1'], 'both watchers\' counters are kept');

    // the log: versions 1..total, each update id once, at the version it was acknowledged with
    const log = await adminQuery(settings.databaseUrl, `SELECT version, from_version, update_id FROM deltas WHERE session_id = '${sessionId}' ORDER BY version`);
    assert.deepEqual(log.rows.map((row) => row.version), Array.from({ length: total }, (_, i) => i + 1), 'one linear history');
    assert.ok(log.rows.every((row) => row.from_version === row.version - 1));
    const byId = new Map(log.rows.filter((row) => row.update_id).map((row) => [row.update_id as string, row.version as number]));
    for (const { updateId, version } of acked) assert.equal(byId.get(updateId), version, `${updateId} is in the log once, at the version it was acknowledged with`);

    // a resend, through the other node, of updates the first node applied: acknowledged, not applied again
    const resender = senders[0]!;
    const moved = await openSocket(nodes[1].url, resender.token);
    t.after(() => moved.disconnect());
    await request(moved, 'join-session', sessionId);
    const ofResender = acked.filter((one) => one.updateId.startsWith(`${resender.name}-`));
    const resent = ofResender[0] as Sent;
    const again = await request(moved, 'update-game-state', { updates: { [`${resender.name}_0`]: 'again' }, baseVersion: 0, updateId: resent.updateId });
    assert.ok(again.ok, JSON.stringify(again));
    // acknowledged as its client's last applied update was (rule S10)
    assert.ok(ofResender.some((one) => one.version === again.version), `acknowledged with ${again.version}, one of the versions its updates got`);
    const count = await adminQuery(settings.databaseUrl, `SELECT count(*)::int AS n FROM deltas WHERE session_id = '${sessionId}'`);
    assert.equal(count.rows[0].n, total, 'nothing was applied again');
  });

  it('F3: a client that held version v on one node joins another node from v and gets the deltas it missed, with the CRC', async (t) => {
    const settings = await clusterSettings();
    const [one, two] = (await clusterNodes(2, settings)) as [ServerProcess, ServerProcess];
    const writer = await syncClient(two.url, 'writer');
    t.after(() => writer.client.close());
    const { sessionId } = await writer.socket.emitWithAck('create-session');
    await writer.client.join(sessionId);
    const token = await guestToken(one.url, 'mover');
    const before = await openSocket(one.url, token);
    await request(before, 'join-session', sessionId);
    const first = nextEvent<GameStateDelta>(before, 'game-state-delta');
    writer.client.update({ counters: [{ id: 'c', value: 1 }] });
    const held = await first;
    before.disconnect();
    for (let i = 2; i <= 4; i++) {
      writer.client.update({ counters: [{ id: 'c', value: i }] });
      await eventually(settled([writer], i), 10_000, `edit ${i}`);
    }
    // it moves to the other node, resuming from what it held
    const after = await openSocket(two.url, token);
    t.after(() => after.disconnect());
    const missing = nextEvent<{ deltas: GameStateDelta[] }>(after, 'missing-updates');
    await request(after, 'join-session', { sessionId, fromVersion: held.version, crc: held.crc });
    const { deltas } = await missing;
    assert.deepEqual(deltas.map((delta) => delta.version), [2, 3, 4]);
    assert.equal(deltas.at(-1)?.crc, writer.client.confirmedCrc);
  });
});
