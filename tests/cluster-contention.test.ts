import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Socket } from 'socket.io-client';
import { plainState } from '../shared/patched-array';
import { encodeBinary } from '../shared/binary-codec';
import { syncClient, type TestClient } from './support/clients';
import { clusterNodes, clusterSettings } from './support/cluster';
import { eventually, guestToken, openSocket, request } from './support/harness';
import { adminQuery } from './support/postgres';
import { scrape, total } from './support/prometheus';
import type { ServerProcess } from './support/server-process';
import { closeAll, decoded, join, player, type Player } from './support/table';

const BOOK = 'book1';
const PAGE_ROUNDS = 6;
const STORM_ROUNDS = 4;
const UPDATES_PER_ROUND = 5;
const SENDERS_PER_NODE = 2;
/** The senders send far faster than a player: the per-socket limits are not what is tested. */
const LIMITS = { UPDATES_PER_SECOND: '1000', UPDATES_BURST: '1000' };

/** A raw socket at the table on `node`. */
async function sender(node: ServerProcess, sessionId: string, name: string): Promise<{ socket: Socket; name: string }> {
  const socket = await openSocket(node.url, await guestToken(node.url, name));
  await request(socket, 'join-session', sessionId);
  return { socket, name };
}

function settled(clients: TestClient[], version: number) {
  return () => clients.every(({ client }) => client.status === 'connected' && client.version === version && client.pendingEdits === 0);
}

describe('clients on several nodes writing one table at once (STORAGE=postgres, REDIS_URL)', () => {
  it('C1: two nodes store revisions of one page at the same moment: the store takes one, the other merges its edit again on it; every edit of a different token is kept', async (t) => {
    const settings = await clusterSettings();
    const [one, two] = (await clusterNodes(2, settings, LIMITS)) as [ServerProcess, ServerProcess];
    const host = await player(one.url, 'host');
    const { sessionId } = await request(host.socket, 'create-session');
    await join(host, sessionId);
    // two editors on each node, each moving a token of its own
    const editors: Player[] = [];
    for (const [i, node] of [one, one, two, two].entries()) {
      const editor = await player(node.url, `e${i}`);
      await join(editor, sessionId);
      editors.push(editor);
    }
    const watchers = [host, editors[2] as Player];
    t.after(() => closeAll([host, ...editors]));
    const seen = watchers.map((watcher) => {
      const last = { revision: 0, layers: undefined as unknown };
      watcher.socket.on('layers-updated', (bytes: Uint8Array) => {
        const page = decoded(bytes);
        if (page.pageNum === 1 && page.revision > last.revision) Object.assign(last, { revision: page.revision, layers: page.layers });
      });
      return last;
    });
    const tokens = (moved: number, x: number) => ({ tokens: editors.map((_, i) => ({ id: `t${i}`, x: i === moved ? x : 0 })) });
    assert.deepEqual(await request(host.socket, 'update-layers', encodeBinary({ pdfId: BOOK, pageNum: 1, layers: tokens(-1, 0) })), { ok: true, revision: 1 });

    for (let round = 1; round <= PAGE_ROUNDS; round++) {
      // every editor from revision 1: each edit is its own token moved, merged onto all the others
      const acks = await Promise.all(
        editors.map((editor, i) =>
          editor.socket.timeout(60_000).emitWithAck('update-layers', encodeBinary({ pdfId: BOOK, pageNum: 1, layers: tokens(i, round), baseRevision: 1 })),
        ),
      );
      for (const ack of acks) assert.equal(ack.ok, true, JSON.stringify(ack));
      const revisions = acks.map((ack) => ack.revision as number).sort((a, b) => a - b);
      const first = 2 + (round - 1) * editors.length;
      assert.deepEqual(revisions, editors.map((_, i) => first + i), `round ${round}: one revision each, none taken twice`);
    }

    const last = 1 + PAGE_ROUNDS * editors.length;
    const expected = { tokens: editors.map((_, i) => ({ id: `t${i}`, x: PAGE_ROUNDS })) };
    const stored = await adminQuery(settings.databaseUrl, `SELECT revision FROM layers WHERE session_id = '${sessionId}' AND pdf_id = '${BOOK}' AND page_num = 1`);
    assert.equal(stored.rows[0].revision, last);
    await eventually(() => seen.every((page) => page.revision === last), 30_000, `both nodes at revision ${last}`);
    for (const page of seen) assert.deepEqual(page.layers, expected, 'every token moved in the last round, on both nodes');
    const late = await player(two.url, 'late');
    t.after(() => closeAll([late]));
    const full = await join(late, sessionId);
    assert.deepEqual([full.layerRevisions[BOOK]?.[1], full.layers[BOOK]?.[1]], [last, expected], 'what node two holds is what is stored');
  });

  it('C2: a write storm from three nodes on one table, many rounds: every update acknowledged once, none refused, one history, one CRC on every node', async (t) => {
    const settings = await clusterSettings();
    const nodes = await clusterNodes(3, settings, LIMITS);
    const watchers = await Promise.all(nodes.map((node, i) => syncClient(node.url, `watcher${i}`)));
    t.after(() => watchers.forEach(({ client }) => client.close()));
    const { sessionId } = await watchers[0]!.socket.emitWithAck('create-session');
    await Promise.all(watchers.map(({ client }) => client.join(sessionId)));
    const senders = await Promise.all(
      Array.from({ length: 3 * SENDERS_PER_NODE }, (_, i) => sender(nodes[i % 3]!, sessionId, `s${i}`)),
    );
    t.after(() => senders.forEach(({ socket }) => socket.disconnect()));

    const acked = new Map<string, number>();
    for (let round = 0; round < STORM_ROUNDS; round++) {
      const sends = senders.flatMap(({ socket, name }) =>
        Array.from({ length: UPDATES_PER_ROUND }, async (_, i) => {
          const updateId = `${name}-${round}-${i}`;
          // from version 0: every update is merged onto what all three nodes did since
          const updates = { [`${name}_${round}_${i}`]: round, notes: [{ id: updateId }] };
          const ack = await socket.timeout(120_000).emitWithAck('update-game-state', { updates, baseVersion: 0, updateId });
          assert.equal(ack.ok, true, `${updateId} refused: ${JSON.stringify(ack)}`);
          assert.equal(acked.has(updateId), false, `${updateId} acknowledged once`);
          acked.set(updateId, ack.version as number);
        }),
      );
      await Promise.all(sends);
    }

    const sent = 3 * SENDERS_PER_NODE * STORM_ROUNDS * UPDATES_PER_ROUND;
    assert.equal(acked.size, sent);
    assert.equal(new Set(acked.values()).size, sent, 'each update has a version of its own');
    const log = await adminQuery(settings.databaseUrl, `SELECT version, from_version, update_id FROM deltas WHERE session_id = '${sessionId}' ORDER BY version`);
    assert.deepEqual(log.rows.map((row) => row.version), Array.from({ length: sent }, (_, i) => i + 1), 'one linear history');
    for (const row of log.rows) assert.equal(acked.get(row.update_id as string), row.version, `${row.update_id} is logged once, at the version it was acknowledged with`);

    // the nodes did race: appends refused because another node had taken the version, none refused to a client
    const scraped = await Promise.all(nodes.map((node) => scrape(node.url)));
    const racesLost = scraped.reduce((sum, metrics) => sum + total(metrics, 'gamebook_commit_seconds_count', { write: 'append', outcome: 'failed' }), 0);
    assert.ok(racesLost > 0, 'some appends lost the race to another node');
    for (const metrics of scraped) assert.equal(total(metrics, 'gamebook_errors_total', { event: 'update-game-state' }), 0, 'no update refused');

    await eventually(settled(watchers, sent), 60_000, `every node's watcher at version ${sent}`);
    const crcs = new Set(watchers.map(({ client }) => client.confirmedCrc));
    assert.equal(crcs.size, 1, 'one CRC on every node');
    const state = plainState(watchers[0]!.client.state);
    const notes = (state.notes as Array<{ id: string }>).map((note) => note.id).sort();
    assert.deepEqual(notes, [...acked.keys()].sort(), 'every note appended from version 0 is kept, once');
  });
});
