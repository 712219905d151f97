import assert from 'node:assert/strict';
import { canonicalJson } from '../../shared/canonical-json';
import { crc32Utf8 } from '../../shared/crc32';
import type { JsonObject } from '../../shared/json';
import type { TestClient } from './clients';
import { eventually, type TestServer } from './harness';

/** Lets a test drop the next N deltas each client receives; returns the counts to set. */
export function deltaDrops(clients: TestClient[]): number[] {
  const dropsLeft = clients.map(() => 0);
  clients.forEach((test, index) => {
    test.lossy.filter = (event) => {
      if (event !== 'game-state-delta' || dropsLeft[index] === 0) return true;
      dropsLeft[index] = (dropsLeft[index] as number) - 1;
      return false;
    };
  });
  return dropsLeft;
}

/**
 * Ends a randomized run: one last update nobody drops (a delta dropped last is noticed at the
 * next one), every client settled at the server's version, each holding the server's state and
 * CRC. Returns that state and the session's version.
 */
export async function settledState(clients: TestClient[], server: TestServer, sessionId: string): Promise<{ state: JsonObject; version: number }> {
  clients[0]?.client.update({ turn: 'end' });
  for (const { client } of clients) client.flush();
  const session = await server.registry.get(sessionId);
  await eventually(
    () => clients.every(({ client }) => client.status === 'connected' && client.pendingEdits === 0 && client.version === session.currentVersion),
    30_000,
    'every client settled at the server version',
  );
  const state = structuredClone(session.state) as JsonObject;
  const crc = crc32Utf8(canonicalJson(state));
  for (const { client } of clients) {
    assert.deepEqual(client.state, state);
    assert.equal(client.confirmedCrc, crc);
  }
  return { state, version: session.currentVersion };
}
