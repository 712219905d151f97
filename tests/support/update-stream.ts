import assert from 'node:assert/strict';
import type { Socket } from 'socket.io-client';
import { canonicalJson } from '../../shared/canonical-json';
import { crc32Utf8 } from '../../shared/crc32';
import { encodeBinary } from '../../shared/binary-codec';
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

/** Sends update number `n` on the socket; `acked` gets the server's acknowledgement. */
export type NumberedUpdate = (socket: Socket, n: number, acked: (ack: NumberedAck) => void) => void;
type NumberedAck = { ok: true; version?: number; revision?: number } | { ok: false };

/** update-game-state number `n` sets its own top-level key. */
export const gameStateUpdate: NumberedUpdate = (socket, n, acked) => {
  socket.emit('update-game-state', { updates: { [keyOf(n)]: n } }, (ack: UpdateGameStateAck) => acked(ack));
};

/** The PDF id the layer updates of `layerUpdate` draw on. */
export const STREAM_BOOK = 'stream-book';
const layersOf = (n: number) => ({ tokens: [{ id: keyOf(n), n }] });

/** update-layers number `n` puts its own token on page `n` of STREAM_BOOK. */
export const layerUpdate: NumberedUpdate = (socket, n, acked) => {
  socket.emit('update-layers', encodeBinary({ pdfId: STREAM_BOOK, pageNum: n, layers: layersOf(n) }), acked);
};

/**
 * Streams numbered updates (update-game-state unless `send` says otherwise) as fast as acks come
 * back, `window` of them in flight at any time, numbering them from `first`, until the socket
 * disconnects or stop() is called.
 */
export function streamUpdates(socket: Socket, record: StreamRecord, first: number, window = 8, send = gameStateUpdate) {
  let next = first;
  let stopped = false;
  const sendOne = () => {
    if (stopped || !socket.connected) return;
    const n = next++;
    send(socket, n, (ack) => {
      if (ack.ok) record.acked.set(n, ack.version ?? ack.revision ?? 0);
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

/** Every acknowledged layer update is on its page at its revision; no refused one is. */
export function assertLayersDurable(full: FullGameState, record: StreamRecord): void {
  const pages = full.layers[STREAM_BOOK] ?? {};
  const revisions = full.layerRevisions[STREAM_BOOK] ?? {};
  for (const [n, revision] of record.acked) {
    assert.deepEqual(pages[n], layersOf(n), `acknowledged layer update ${n} is on its page`);
    assert.equal(revisions[n], revision, `page ${n} at the acknowledged revision`);
  }
  for (const n of record.refused) assert.equal(pages[n], undefined, `refused layer update ${n} is not`);
}
