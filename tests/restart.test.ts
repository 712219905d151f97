import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson } from '../shared/canonical-json';
import { crc32Utf8 } from '../shared/crc32';
import { eventually } from './support/harness';
import { syncPair, type TestClient } from './support/clients';
import { freePort, startServerProcess } from './support/server-process';
import { tempDir } from './support/temp-dir';

function settled(clients: TestClient[], version: number) {
  return () => clients.every(({ client }) => client.version === version && client.pendingEdits === 0);
}

describe('restart with clients connected', () => {
  for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
    it(`R1 (${signal}): clients reconnect by themselves and catch up through missing-updates`, async (t) => {
      const env = { PORT: String(await freePort()), DATA_DIR: await tempDir('gamebook-restart-') };
      let server = await startServerProcess(env);
      const { sessionId, a, b } = await syncPair(t, server.url);
      await eventually(settled([a, b], 0), 5000, 'both at version 0');

      // counted from here: a full reload after the restart would show up as one of these
      let fullStates = 0;
      let caughtUp = 0;
      let restarted = false;
      b.lossy.filter = (event, payload) => {
        if (event === 'full-game-state') fullStates++;
        if (event === 'missing-updates' && payload.deltas.length > 0) caughtUp++;
        // b misses the last deltas before the crash: it can only get them from the stored history
        return restarted || event !== 'game-state-delta' || payload.version <= 2;
      };
      for (let i = 1; i <= 4; i++) {
        a.client.update({ counters: [{ id: 'hp', value: i }] });
        await eventually(() => a.client.version === i, 5000, `a at ${i}`);
      }
      assert.equal(b.client.version, 2);

      server.child.kill(signal);
      await server.exited;
      await eventually(() => a.client.status === 'offline' && b.client.status === 'offline', 5000, 'both offline');
      b.client.update({ notes: [{ id: 'n', text: 'written while the server was down' }] });
      restarted = true;
      server = await startServerProcess(env);

      await eventually(settled([a, b], 5), 10_000, 'both back, caught up, and b’s offline edit confirmed');
      assert.equal(fullStates, 0, 'caught up from the persisted history, no full reload');
      assert.ok(caughtUp >= 1, 'b got its missed deltas as missing-updates');
      const expected = { counters: [{ id: 'hp', value: 4 }], notes: [{ id: 'n', text: 'written while the server was down' }] };
      for (const { client } of [a, b]) {
        assert.deepEqual(client.state, expected);
        assert.equal(client.confirmedCrc, crc32Utf8(canonicalJson(expected)));
      }
      server.child.kill('SIGTERM');
      assert.equal(await server.exited, 0);
    });
  }
});
