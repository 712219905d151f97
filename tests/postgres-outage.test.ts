import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { request } from './support/harness';
import { ownPostgres } from './support/own-postgres';
import { freePort, startServerProcess } from './support/server-process';
import { tempDir } from './support/temp-dir';
import { closeAll, join, minimalPdf, player, tableOf, uploadPdf } from './support/table';

const hp = (value: number) => ({ updates: { counters: [{ id: 'hp', value }] } });

describe('PostgreSQL going away and coming back', () => {
  it('G3: while PostgreSQL is down a write gets internal and the process lives on; once it is back, service resumes by itself', async (t) => {
    const database = await ownPostgres();
    const server = await startServerProcess({
      PORT: String(await freePort()),
      DATA_DIR: await tempDir('gamebook-pg-outage-'),
      STORAGE: 'postgres',
      DATABASE_URL: database.url,
      SESSION_SECRET: 'one-secret-that-every-node-of-the-cluster-shares',
      PG_CONNECT_TIMEOUT_MS: '1000',
    });
    const health = async () => (await fetch(`${server.url}/healthz`)).json();
    assert.deepEqual(await health(), { ok: true, status: 'ok', engines: { storage: 'up' } });
    const { sessionId, players } = await tableOf(server.url, 'host');
    const host = players[0]!;
    t.after(() => closeAll(players));
    assert.deepEqual(await request(host.socket, 'update-game-state', hp(1)), { ok: true, version: 1 });

    await database.stop();
    const refused = await request(host.socket, 'update-game-state', hp(2));
    assert.equal(refused.ok, false);
    assert.equal(refused.error.code, 'internal');
    const upload = await uploadPdf(server.url, sessionId, host.token, minimalPdf('G3'));
    assert.equal(upload.status, 500, 'an upload fails as clearly');
    assert.equal(server.child.exitCode, null, 'the server did not crash');
    assert.equal(host.socket.connected, true);
    assert.deepEqual(await health(), { ok: true, status: 'degraded', engines: { storage: 'down' } }, '/healthz says which engine is down');

    await database.start();
    // the pool drops the connections the shutdown broke and opens new ones: no restart of the server
    const deadline = Date.now() + 15_000;
    let answer = await request(host.socket, 'update-game-state', hp(3));
    while (!answer.ok) {
      assert.equal(answer.error.code, 'internal');
      assert.ok(Date.now() < deadline, 'updates were still refused 15 s after PostgreSQL was back');
      await new Promise((resolve) => setTimeout(resolve, 200));
      answer = await request(host.socket, 'update-game-state', hp(3));
    }
    assert.equal(answer.version, 2, 'the refused update took no version');
    assert.deepEqual(await health(), { ok: true, status: 'ok', engines: { storage: 'up' } });
    const later = await player(server.url, 'later');
    t.after(() => closeAll([later]));
    const full = await join(later, sessionId);
    assert.equal(full.version, 2);
    assert.deepEqual(full.state, { counters: [{ id: 'hp', value: 3 }] });
    assert.equal((await uploadPdf(server.url, sessionId, host.token, minimalPdf('G3'))).status, 201);
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0);
  });
});
