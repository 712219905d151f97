import { canonicalJson } from '../../shared/canonical-json';
import { ConfirmedState } from '../../shared/confirmed-state';
import { crc32Utf8 } from '../../shared/crc32';
import { differ, type Delta } from '../../shared/diff';
import { patchImmutably } from '../../shared/immutable-patch';
import type { JsonObject } from '../../shared/json';
import type { GameStateDelta } from '../../shared/protocol';
import { GameSession } from '../../server/sessions/game-session';
import { createLogger } from '../../server/logger';
import { MemorySessionStore } from '../../server/storage/memory/memory-store';
import { TableLoader } from '../../server/sessions/session-table';
import { memoryTableStores } from '../../server/storage/table-stores';
import { TableUsage } from '../../server/limits/table-usage';
import { loadConfig } from '../../server/config';
import type { BenchTable } from '../report';

const SIZES = [10_000, 100_000, 1_000_000, 5_000_000];
const UPDATES = 200;

/** A table's state of about `bytes`: ten counters, and notes that carry the bulk. */
export function stateOf(bytes: number): JsonObject {
  const counters = Array.from({ length: 10 }, (_, i) => ({ id: `c${i}`, name: `Counter ${i}`, value: 0 }));
  const noteCount = Math.max(1, Math.round(bytes / 220));
  const notes = Array.from({ length: noteCount }, (_, i) => ({
    id: `n${i}`,
    title: `Note ${i}`,
    text: `Section ${i}: the corridor bends left; a draught smells of tallow and old paper.`.padEnd(150, '.'),
  }));
  return { counters, notes, characters: [{ id: 'hero', name: 'Ayla', skill: 11, stamina: 20, luck: 9 }] };
}

function withNote(state: JsonObject, value: number): JsonObject {
  const notes = (state.notes as JsonObject[]).map((n, i) => (i === 7 ? { ...n, title: `Note 7, edit ${value}` } : n));
  return { notes };
}

function withCounter(state: JsonObject, value: number): JsonObject {
  const counters = (state.counters as JsonObject[]).map((c) => (c.id === 'c3' ? { ...c, value } : c));
  return { counters };
}

/** A GameSession over a memory store, limits raised past the state, no snapshots. */
export async function sessionWith(state: JsonObject): Promise<GameSession> {
  const big = String(64 * 1024 * 1024);
  const config = loadConfig({ LOG_LEVEL: 'silent', MAX_STATE_BYTES: big, MAX_UPDATE_BYTES: big, SNAPSHOT_EVERY: '1000000' });
  const store = new MemorySessionStore();
  const meta = { id: 'bench', hostId: 'host', createdAt: Date.now() };
  await store.createSession(meta);
  const tables = new TableLoader(memoryTableStores().tableStores, config.layers);
  const usage = new TableUsage(config.usage);
  const deps = { store, channel: { broadcast: () => undefined, share: () => undefined }, limits: config.limits, differ, logger: createLogger('silent'), usage };
  return new GameSession({ meta, snapshot: { version: 0, state }, log: [], applied: [] }, deps, tables.empty(meta.id));
}

export function timeEach(count: number, run: (i: number) => unknown): number {
  const started = performance.now();
  for (let i = 0; i < count; i++) run(i);
  return (performance.now() - started) / count;
}

/**
 * What one counter change costs as the state grows: on the server (merge, diff, CRC, store) and on
 * a client (patch, CRC check), next to the naive way measured in the same run (serialize the
 * whole state canonically and CRC it on every update).
 */
export async function updateCostSuite(): Promise<BenchTable[]> {
  const counterRows: Array<Array<string | number>> = [];
  const noteRows: Array<Array<string | number>> = [];
  for (const size of SIZES) {
    const state = stateOf(size);
    const stateBytes = Buffer.byteLength(canonicalJson(state));
    const label = `${(stateBytes / 1000).toFixed(0)} KB`;
    const counter = await measureUpdates(state, withCounter);
    const naiveMs = timeEach(20, (i) => crc32Utf8(canonicalJson({ ...state, ...withCounter(state, i) })));
    counterRows.push([label, counter.serverMs, counter.clientMs, naiveMs, naiveMs / counter.serverMs, counter.wireBytes, stateBytes / counter.wireBytes]);
    const note = await measureUpdates(state, withNote);
    const notesDelta = (note.lastDelta.delta as Record<string, Delta>).notes;
    const patchMs = timeEach(20, () => patchImmutably(state.notes, notesDelta, (value, delta) => differ.patch(value, delta)));
    const deepCopyMs = timeEach(20, () => differ.patch(structuredClone(state.notes), structuredClone(notesDelta)));
    noteRows.push([label, note.serverMs, note.clientMs, patchMs, deepCopyMs, deepCopyMs / patchMs, note.wireBytes]);
  }
  return [
    {
      title: 'One counter change, by state size',
      description:
        `Mean over ${UPDATES} updates of one counter in GameSession (merge from baseVersion, diff, CRC, memory store) and in a client's ConfirmedState (patch, CRC check); the naive baseline serializes the whole state canonically and CRCs it, once per update, in the same run. Wire bytes: the JSON of one game-state-delta event.`,
      columns: ['state', 'server ms/update', 'client ms/delta', 'naive ms/update', 'naive ÷ server', 'delta bytes on the wire', 'state ÷ delta bytes'],
      rows: counterRows,
    },
    {
      title: 'One note edited inside the large notes array, by state size',
      description:
        `Mean over ${UPDATES} edits of one note's title; the notes array holds nearly all of the state. The client's patch copies only the path the delta touches; the baseline, in the same run, deep-copies the notes before patching (what a client that must not mutate shown values does naively). The update here is the contract's whole notes key, handed to the session in process (see the edit-cost table for path-level changes and the socket's parse): the server still diffs the whole key and rebuilds its CRC tree from the notes' cached parts; the client derives its CRC from the old tree in O(log n).`,
      columns: ['state', 'server ms/update', 'client ms/delta (with CRC)', 'client patch ms', 'deep-copy patch ms', 'deep copy ÷ patch', 'delta bytes on the wire'],
      rows: noteRows,
    },
  ];
}

async function measureUpdates(state: JsonObject, edit: (state: JsonObject, value: number) => JsonObject) {
  const session = await sessionWith(state);
  const deltas: GameStateDelta[] = [];
  const started = performance.now();
  for (let i = 1; i <= UPDATES; i++) {
    const result = await session.applyUpdate({ updates: edit(session.state as JsonObject, i), baseVersion: session.currentVersion });
    if (result.delta) deltas.push(result.delta);
  }
  const serverMs = (performance.now() - started) / UPDATES;
  const client = new ConfirmedState(differ);
  client.reset(structuredClone(state), 0, 0);
  const clientMs = timeEach(deltas.length, (i) => client.apply(deltas[i] as GameStateDelta));
  const lastDelta = deltas.at(-1) as GameStateDelta;
  return { serverMs, clientMs, lastDelta, wireBytes: Buffer.byteLength(JSON.stringify(lastDelta)) };
}
