import assert from 'node:assert/strict';
import type { Socket } from 'socket.io-client';
import { canonicalJson } from '../../shared/canonical-json';
import { crc32Utf8 } from '../../shared/crc32';
import type { FullGameState, UpdateGameStateAck } from '../../shared/protocol';
import { nextEvent, request } from './harness';

/** What one client saw of the updates it streamed: which were acknowledged, at which version. */
export interface StreamRecord {
  /** Update number -> version the server acknowledged it with. */
  acked: Map<number, number>;
  /** Update numbers the server refused (`ok: false`). */
  refused: Set<number>;
}

export function newRecord(): StreamRecord {
  return { acked: new Map(), refused: new Set() };
}

/** Update number `n` sets its own top-level key, so every acknowledged one can be found later. */
export const keyOf = (n: number) => `k${n}`;

/**
 * Streams update-game-state as fast as acks come back, `window` of them in flight at any time,
 * numbering them from `first`, until the socket disconnects or stop() is called.
 */
export function streamUpdates(socket: Socket, record: StreamRecord, first: number, window = 8) {
  let next = first;
  let stopped = false;
  const sendOne = () => {
    if (stopped || !socket.connected) return;
    const n = next++;
    socket.emit('update-game-state', { updates: { [keyOf(n)]: n } }, (ack: UpdateGameStateAck) => {
      if (ack.ok) record.acked.set(n, ack.version);
      else record.refused.add(n);
      sendOne();
    });
  };
  for (let i = 0; i < window; i++) sendOne();
  return {
    stop: () => (stopped = true),
    get sent() {
      return next - first;
    },
  };
}

/** Joins `sessionId` on `socket` and resolves with the full state the server sends. */
export async function joinAndRead(socket: Socket, sessionId: string): Promise<FullGameState> {
  const full = nextEvent<FullGameState>(socket, 'full-game-state');
  const ack = await request(socket, 'join-session', sessionId);
  assert.equal(ack.ok, true, JSON.stringify(ack));
  return full;
}

/** Every acknowledged update is in the state, the version reaches the last ack, the CRC holds. */
export function assertDurable(full: FullGameState, record: StreamRecord): void {
  assert.equal(full.crc, crc32Utf8(canonicalJson(full.state)), 'the CRC matches the state');
  for (const [n] of record.acked) assert.equal(full.state[keyOf(n)], n, `acknowledged update ${n} is in the state`);
  for (const n of record.refused) assert.equal(full.state[keyOf(n)], undefined, `refused update ${n} is not`);
  const lastAcked = Math.max(0, ...record.acked.values());
  assert.ok(full.version >= lastAcked, `version ${full.version} >= last acknowledged ${lastAcked}`);
}
