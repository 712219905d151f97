import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { canonicalJson } from '../shared/canonical-json';
import { crc32Utf8 } from '../shared/crc32';
import { eventually, request } from './support/harness';
import { testDatabase } from './support/postgres';
import { scrape, total } from './support/prometheus';
import { freePort, startServerProcess } from './support/server-process';
import { tcpProxy } from './support/tcp-proxy';
import { tempDir } from './support/temp-dir';
import { closeAll, join, player, tableOf } from './support/table';
import { keyOf, newRecord, streamUpdates } from './support/update-stream';

const SECRET = 'one-secret-that-every-node-of-the-cluster-shares';

async function node(databaseUrl: string, env: Record<string, string> = {}) {
  return startServerProcess({
    ...env,
    PORT: String(await freePort()),
    DATA_DIR: await tempDir('gamebook-pg-cut-'),
    STORAGE: 'postgres',
    DATABASE_URL: databaseUrl,
    SESSION_SECRET: SECRET,
    PG_CONNECT_TIMEOUT_MS: '1000',
    UPDATES_PER_SECOND: '500',
    UPDATES_BURST: '500',
    USER_UPDATES_PER_SECOND: '500',
    USER_UPDATES_BURST: '500',
  });
}

/** The same database reached through `port` on loopback. */
function through(databaseUrl: string, port: number): string {
  const url = new URL(databaseUrl);
  url.host = `127.0.0.1:${port}`;
  return url.toString();
}

/** A node (with `env`) reaching a fresh database through a proxy the test controls, and a table its host joined. */
async function hostBehindProxy(t: TestContext, env: Record<string, string>) {
  const databaseUrl = await testDatabase();
  const direct = new URL(databaseUrl);
  const proxy = await tcpProxy({ host: direct.hostname, port: Number(direct.port) });
  const server = await node(through(databaseUrl, proxy.port), env);
  const { sessionId, players } = await tableOf(server.url, 'host');
  t.after(() => closeAll(players));
  return { databaseUrl, proxy, server, sessionId, host: players[0]! };
}

/**
 * Updates stream through a node while its connection to PostgreSQL breaks (`cut`: reset, as when
 * the server or a router drops it; `stall`: bytes held, as when packets drop), then heals: the
 * updates caught in it get `internal`, the node says degraded, and once traffic passes it takes
 * updates again without a restart, every acknowledged one stored.
 */
async function updatesThroughAnOutage(t: TestContext, outage: 'cut' | 'stall'): Promise<void> {
  const { databaseUrl, proxy, server, sessionId, host } = await hostBehindProxy(t, { PG_QUERY_TIMEOUT_MS: '1000' });

  // updates streaming when the outage comes: some in flight are caught in the middle of their commit
  const record = newRecord();
  const stream = streamUpdates(host.socket, record, 1, 4);
  await eventually(() => record.acked.size >= 20, 30_000, '20 updates acknowledged');
  proxy[outage]();
  await eventually(() => record.refused.size >= 1, 30_000, `an update refused after the ${outage}`);
  stream.stop();
  const refused = await request(host.socket, 'update-game-state', { updates: { during: 'the outage' } });
  assert.equal(refused.ok, false);
  assert.equal(refused.error.code, 'internal', 'the contract code of a store that does not answer');
  assert.equal(server.child.exitCode, null, 'the node lives on');
  const health = await (await fetch(`${server.url}/healthz`)).json();
  assert.deepEqual(health, { ok: true, status: 'degraded', engines: { storage: 'down' } });
  const metrics = await scrape(server.url);
  assert.ok(total(metrics, 'gamebook_errors_total', { event: 'update-game-state', code: 'internal' }) >= 2, '/metrics counts the refusals');
  assert.ok(total(metrics, 'gamebook_commit_seconds_count', { outcome: 'failed' }) >= 1, '/metrics counts the failed commit');

  proxy.pass();
  // the pool drops the broken connections and opens new ones: no restart
  let answer = refused;
  const retry = setInterval(() => {
    void request(host.socket, 'update-game-state', { updates: { after: 'the outage' } }).then((ack) => (answer = ack), () => undefined);
  }, 250);
  t.after(() => clearInterval(retry));
  await eventually(() => answer.ok === true, 30_000, 'an update accepted again once traffic passes');
  clearInterval(retry);

  // the node itself, and a node that reads the database directly, hold every acknowledged update
  const other = await node(databaseUrl);
  const readers = await Promise.all([player(server.url, 'reader'), player(other.url, 'reader elsewhere')]);
  t.after(() => closeAll(readers));
  const [here, there] = await Promise.all(readers.map((reader) => join(reader, sessionId)));
  assert.deepEqual(here!.state, there!.state);
  assert.equal(here!.version, there!.version);
  assert.equal(there!.crc, crc32Utf8(canonicalJson(there!.state)));
  for (const [n] of record.acked) assert.equal(there!.state[keyOf(n)], n, `acknowledged update ${n} is stored`);
  assert.equal(there!.state.after, 'the outage');
  assert.equal(there!.state.during, undefined, 'the update refused during the outage took no effect');
}

describe('the connection between a node and PostgreSQL cut or stalled, then back', () => {
  it('H4: while cut, updates get internal and nothing acknowledged is lost; once traffic passes again, service resumes by itself', (t) =>
    updatesThroughAnOutage(t, 'cut'));

  it('H10: while stalled (no answer, the connection open), updates get internal after PG_QUERY_TIMEOUT_MS and nothing acknowledged is lost; once traffic passes again, service resumes by itself', (t) =>
    updatesThroughAnOutage(t, 'stall'));

  it('H9: a node told to stop while PostgreSQL stops answering exits after STOP_GRACE_SECONDS, saying why; every acknowledged update is stored', async (t) => {
    const { databaseUrl, proxy, server, sessionId, host } = await hostBehindProxy(t, { STOP_GRACE_SECONDS: '2' });
    assert.equal((await request(host.socket, 'update-game-state', { updates: { before: 'the stall' } })).ok, true);

    // packets dropped: the next commit waits for an answer that does not come
    proxy.stall();
    const unanswered = request(host.socket, 'update-game-state', { updates: { during: 'the stall' } }).catch(() => 'no answer');
    await delay(300);
    server.child.kill('SIGTERM');
    const code = await Promise.race([server.exited, delay(15_000, 'still running 15 s after SIGTERM')]);
    assert.equal(code, 1, server.output());
    assert.match(server.output(), /still stopping after STOP_GRACE_SECONDS/);
    const answer = await unanswered;
    assert.ok(answer === 'no answer' || answer.ok === false, 'the update in the stalled commit was never acknowledged');

    proxy.pass();
    const other = await node(databaseUrl);
    const reader = await player(other.url, 'reader elsewhere');
    t.after(() => closeAll([reader]));
    const joined = (await join(reader, sessionId))!;
    assert.equal(joined.state.before, 'the stall', 'the acknowledged update is stored');
  });
});
