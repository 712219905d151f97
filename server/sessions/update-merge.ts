import type { JsonObject, JsonValue } from '../../shared/json';
import { merge3 } from '../../shared/merge';
import { ProtocolError } from '../../shared/errors';
import type { IntentNode } from '../../shared/merge-intents';

/**
 * Turns a client's `updates`, made from the state whose values were `base`, into the values to
 * store now: the client's own changes merged three-way (items by id, steps and text as `intents`
 * say) on top of everything that happened since.
 */
export function mergeUpdates(
  updates: JsonObject,
  base: (key: string) => JsonValue | undefined,
  current: (key: string) => JsonValue | undefined,
  intents: ReadonlyMap<string, IntentNode>,
): JsonObject {
  const merged: JsonObject = {};
  for (const [key, theirs] of Object.entries(updates)) {
    // merge3 is undefined only when a key is absent on all sides that changed; an update sets it
    merged[key] = merge3(base(key), current(key), theirs, intents.get(key)) ?? theirs;
  }
  return merged;
}

export function requireMergeBase<T>(base: T | null, baseVersion: number): T {
  if (base) return base;
  throw new ProtocolError(
    'version-conflict',
    `baseVersion ${baseVersion} is older than the history this session keeps: resync and send the edit again`,
  );
}
