import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { clusterNodes, clusterSettings } from './support/cluster';
import { request, startTestServer, type TestServer } from './support/harness';
import { scrape, total } from './support/prometheus';
import type { ServerProcess } from './support/server-process';
import { closeAll, minimalPdf, player, tableAcross, tableOf, uploadPdf, type Player } from './support/table';

const hp = (value: number) => ({ updates: { counters: [{ id: 'hp', value }] } });
const UPDATE = { event: 'update-game-state' };

// at the top of the file: what it starts is stopped when the file ends (after() in a before() hook would stop it when the hook ends)
const cluster = (await clusterNodes(2, await clusterSettings())) as [ServerProcess, ServerProcess];

describe('GET /metrics', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ NODE_ID: 'node-a', STORAGE: 'sqlite' });
  });
  after(() => server.stop());

  it('O1: every sample is labelled with the node; tables in memory and sockets are what the node holds now', async (t) => {
    const before = await scrape(server.url);
    assert.ok(before.length > 0);
    for (const sample of before) assert.equal(sample.labels.node, 'node-a', `${sample.name} has the node label`);
    assert.equal(total(before, 'gamebook_sockets'), 0);
    assert.equal(total(before, 'gamebook_tables_in_memory'), 0);

    const { players } = await tableOf(server.url, 'host', 'guest');
    t.after(() => closeAll(players));
    const now = await scrape(server.url);
    assert.equal(total(now, 'gamebook_sockets'), 2);
    assert.equal(total(now, 'gamebook_tables_in_memory'), 1);
  });

  it('O2: updates, acks, ack and commit latencies move with real updates; refusals count by code', async (t) => {
    const { players } = await tableOf(server.url, 'host');
    t.after(() => closeAll(players));
    const socket = players[0]!.socket;
    const stranger = await player(server.url, 'stranger');
    t.after(() => closeAll([stranger]));
    const before = await scrape(server.url);

    for (let value = 1; value <= 3; value++) assert.equal((await request(socket, 'update-game-state', hp(value))).ok, true);
    assert.equal((await request(socket, 'update-game-state', { updates: 'not an object' })).error.code, 'invalid-payload');
    assert.equal((await request(stranger.socket, 'update-game-state', hp(9))).error.code, 'not-in-session');

    const after = await scrape(server.url);
    const moved = (name: string, labels: Record<string, string>) => total(after, name, labels) - total(before, name, labels);
    assert.equal(moved('gamebook_events_total', UPDATE), 5, 'every update received counts, refused ones too');
    assert.equal(moved('gamebook_acks_total', UPDATE), 3);
    assert.equal(moved('gamebook_ack_seconds_count', UPDATE), 3, 'one ack latency per acknowledged update');
    assert.ok(moved('gamebook_ack_seconds_sum', UPDATE) > 0);
    assert.equal(moved('gamebook_errors_total', { ...UPDATE, code: 'invalid-payload' }), 1);
    assert.equal(moved('gamebook_errors_total', { ...UPDATE, code: 'not-in-session' }), 1);
    assert.equal(moved('gamebook_commit_seconds_count', { write: 'append', outcome: 'ok' }), 3, 'each update committed once to SQLite');
    assert.equal(moved('gamebook_commit_seconds_count', { outcome: 'failed' }), 0);
  });

  it('O3: the fan-out lag histogram takes what the cross-node feed observes', async () => {
    server.metrics.fanoutLag(0.003);
    server.metrics.fanoutLag(0.2);
    const samples = await scrape(server.url);
    assert.equal(total(samples, 'gamebook_fanout_lag_seconds_count'), 2);
    assert.equal(total(samples, 'gamebook_fanout_lag_seconds_bucket', { le: '0.005' }), 1);
    assert.equal(total(samples, 'gamebook_fanout_lag_seconds_bucket', { le: '0.25' }), 2);
  });

  it('O4: HTTP refusals count by route and code: uploads, PDF reads, table files', async (t) => {
    const { sessionId, players } = await tableOf(server.url, 'host', 'guest');
    t.after(() => closeAll(players));
    const [host, guest] = players as [(typeof players)[0], (typeof players)[0]];
    const uploaded = await uploadPdf(server.url, sessionId, host.token, minimalPdf('metrics'));
    const pdfUrl = `${server.url}${((await uploaded.json()) as { url: string }).url}`;
    const before = await scrape(server.url);

    assert.equal((await uploadPdf(server.url, sessionId, guest.token, minimalPdf('not the host'))).status, 403);
    assert.equal((await uploadPdf(server.url, sessionId, undefined, minimalPdf('nobody'))).status, 401);
    assert.equal((await fetch(pdfUrl)).status, 401);
    assert.equal((await fetch(pdfUrl, { headers: { authorization: `Bearer ${guest.token}` } })).status, 200, 'a read that is no refusal');
    const imported = await fetch(`${server.url}/api/tables/import`, { method: 'POST', headers: { authorization: `Bearer ${host.token}`, 'content-type': 'text/plain' }, body: 'no' });
    assert.equal(imported.status, 415);

    const after = await scrape(server.url);
    const moved = (labels: Record<string, string>) => total(after, 'gamebook_http_errors_total', labels) - total(before, 'gamebook_http_errors_total', labels);
    assert.equal(moved({ route: 'POST /api/sessions/:sessionId/pdfs', code: 'not-host' }), 1);
    assert.equal(moved({ route: 'POST /api/sessions/:sessionId/pdfs', code: 'unauthorized' }), 1);
    assert.equal(moved({ route: 'GET /api/sessions/:sessionId/pdfs/:pdfId', code: 'unauthorized' }), 1);
    assert.equal(moved({ route: 'POST /api/tables/import', code: 'unsupported-media-type' }), 1);
    assert.equal(moved({}), 4, 'nothing else counted');
  });

  it('O5: a delta committed on one node is observed in the other node\'s fan-out lag histogram', async (t) => {
    const [one, two] = cluster;
    const { players } = await tableAcross(t, [one.url, 'Hana'], [two.url, 'Faro']);
    const [host, far] = players as [Player, Player];
    const lagOf = async () => total(await scrape(two.url), 'gamebook_fanout_lag_seconds_count');
    const before = await lagOf();
    const seen = new Promise((resolve) => far.socket.once('game-state-delta', resolve));
    assert.equal((await request(host.socket, 'update-game-state', hp(1))).ok, true);
    await seen;
    const after = await lagOf();
    assert.ok(after > before, `node two observed the lag of what node one sent (${before} -> ${after})`);
  });
});
