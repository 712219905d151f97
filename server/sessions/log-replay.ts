import type { Delta, Differ } from '../../shared/diff';
import { patchImmutably } from '../../shared/immutable-patch';
import type { JsonValue } from '../../shared/json';
import type { GameStateDelta } from '../../shared/protocol';
import type { StateDocument } from '../../shared/state-document';

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
export function replayDelta(doc: StateDocument, differ: Differ, entry: GameStateDelta): Map<string, JsonValue | undefined> {
  const before = new Map<string, JsonValue | undefined>();
  const fallback = (value: JsonValue | undefined, delta: Delta) => differ.patch(value, structuredClone(delta));
  for (const [key, keyDelta] of Object.entries(entry.delta as Record<string, Delta>)) {
    const old = doc.get(key);
    before.set(key, old);
    doc.set(key, patchImmutably(old, keyDelta, fallback));
  }
  return before;
}
