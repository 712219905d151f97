import type { Differ } from '../shared/diff';
import { cloneJson, type JsonObject, type JsonValue } from '../shared/json';
import { merge3 } from '../shared/merge';
import { ProtocolError } from '../shared/errors';
import type { GameStateDelta } from '../shared/protocol';
import type { StateDocument } from '../shared/state-document';

/**
 * Turns a client's `updates`, made from the state at `baseVersion`, into the values to store now:
 * the client's own changes merged on top of everything that happened since (three-way, items by
 * id). `newer` are the deltas from baseVersion to now, oldest first.
 */
export function mergeUpdates(
  doc: StateDocument,
  updates: JsonObject,
  newer: GameStateDelta[],
  differ: Differ,
): JsonObject {
  const merged: JsonObject = {};
  for (const [key, theirs] of Object.entries(updates)) {
    const ours = doc.get(key);
    const base = valueBefore(key, ours, newer, differ);
    const value = merge3(base, ours, theirs);
    // merge3 yields undefined only when both sides removed the key; the update never removes
    merged[key] = value === undefined ? theirs : value;
  }
  return merged;
}

/** The value `key` had before the `newer` deltas, rebuilt by reverting them newest first. */
function valueBefore(key: string, current: JsonValue | undefined, newer: GameStateDelta[], differ: Differ) {
  let value = cloneJson(current);
  for (let i = newer.length - 1; i >= 0; i--) {
    const keyDelta = (newer[i]?.delta as Record<string, unknown> | undefined)?.[key];
    // deltas share objects with the history: revert a copy, never the history itself
    if (keyDelta !== undefined) value = differ.unpatch(value, structuredClone(keyDelta) as never);
  }
  return value;
}

export function requireMergeBase(newer: GameStateDelta[] | null, baseVersion: number): GameStateDelta[] {
  if (newer) return newer;
  throw new ProtocolError(
    'version-conflict',
    `baseVersion ${baseVersion} is older than the history this session keeps: resync and send the edit again`,
  );
}
