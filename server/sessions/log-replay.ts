import type { Delta, Differ } from '../../shared/diff';
import { patchImmutably } from '../../shared/immutable-patch';
import type { JsonValue } from '../../shared/json';
import type { GameStateDelta } from '../../shared/protocol';
import type { StateDocument } from '../../shared/state-document';
import type { DeltaHistory } from './delta-history';

/** The stored log of a table does not rebuild the state it was broadcast with. */
export class LogReplayError extends Error {
  constructor(
    readonly sessionId: string,
    readonly version: number,
    cause?: unknown,
  ) {
    super(`the log of session ${sessionId} does not replay to the CRC of version ${version}`, { cause });
  }
}

/** Applies a logged delta to `doc` key by key, copying only what it touches; returns what it replaced. */
export function replayDelta(doc: StateDocument, entry: GameStateDelta, differ: Differ): Map<string, JsonValue | undefined> {
  const before = new Map<string, JsonValue | undefined>();
  const fallback = (value: JsonValue | undefined, delta: Delta) => differ.patch(value, structuredClone(delta));
  for (const [key, keyDelta] of Object.entries(entry.delta as Record<string, Delta>)) {
    const old = doc.get(key);
    before.set(key, old);
    doc.set(key, patchImmutably(old, keyDelta, fallback));
  }
  return before;
}

/**
 * Rebuilds a session's state from its snapshot (in `doc`) and its log, into `history` too. Every
 * logged delta keeps the values it replaced, so a merge from any base in the log finds it (S11).
 * The result must carry the CRC the last delta was broadcast with: anything else is a log that
 * cannot be trusted (B12).
 */
export function replayLog(sessionId: string, log: readonly GameStateDelta[], doc: StateDocument, history: DeltaHistory, differ: Differ): void {
  const last = log.at(-1);
  try {
    for (const entry of log) history.push(entry, replayDelta(doc, entry, differ));
  } catch (error) {
    throw new LogReplayError(sessionId, last?.version ?? 0, error);
  }
  if (last && doc.crc() !== last.crc) throw new LogReplayError(sessionId, last.version);
}
