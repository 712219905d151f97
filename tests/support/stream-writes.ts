import assert from 'node:assert/strict';
import { canonicalJson } from '../../shared/canonical-json';
import { crc32Utf8 } from '../../shared/crc32';
import type { TestClient } from './clients';
import { eventually } from './harness';

export interface StreamedWrites {
  /** How many keys each client wrote so far. */
  written: number[];
  stop(): void;
}

/** Client i writes `c<i>n<k>` = k for k = 1, 2, ... every `everyMs` until stopped, whatever the servers are doing. */
export function keepWriting(clients: TestClient[], everyMs: number): StreamedWrites {
  const written = clients.map(() => 0);
  const timer = setInterval(() => {
    clients.forEach(({ client }, i) => {
      written[i]!++;
      client.update({ [`c${i}n${written[i]}`]: written[i]! });
    });
  }, everyMs);
  return { written, stop: () => clearInterval(timer) };
}

/** Once every client is connected at one version with nothing pending: every write is in the state, nothing more, and every client has its CRC. */
export async function assertEveryWriteKept(clients: TestClient[], writes: StreamedWrites): Promise<void> {
  const settled = () => {
    const version = clients[0]!.client.version;
    return clients.every(({ client }) => client.status === 'connected' && client.pendingEdits === 0 && client.version === version);
  };
  await eventually(settled, 60_000, 'every client connected, its edits confirmed, at one version');

  const state = clients[0]!.client.state;
  writes.written.forEach((count, i) => {
    for (let k = 1; k <= count; k++) assert.equal(state[`c${i}n${k}`], k, `client ${i}'s write ${k} is in the state`);
  });
  assert.equal(Object.keys(state).length, writes.written.reduce((sum, count) => sum + count, 0), 'nothing more');
  for (const { client } of clients) {
    assert.deepEqual(client.state, state);
    assert.equal(client.confirmedCrc, crc32Utf8(canonicalJson(state)), 'every client has the same CRC, the one of the state');
  }
}
