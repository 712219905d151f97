import { DELTA_MARKER_KEY, isSafeJson } from './json-shape';
import { updateGameStateSchema, type UpdateGameState } from './protocol';

/** The fields of the update nearly every client sends: whole keys, its base version, its id. */
const PLAIN_FIELDS: ReadonlySet<string> = new Set(['updates', 'baseVersion', 'updateId']);

/**
 * `update-game-state` validated as `updateGameStateSchema` validates it, with the same result
 * (tests/update-parser.test.ts compares the two on arbitrary payloads). The update nearly every
 * client sends (whole keys, a base version, an id, nothing else) is checked here in one pass and
 * taken as it came off the wire; anything else (path-level changes, intents, a field the schema
 * would strip, anything it refuses) goes to the schema, which also words the errors. A crowd's
 * node checks thousands of updates a second on the event loop every table shares: through zod,
 * one cost some 10 µs and 2.3 KB of garbage there (docs/benchmarks-notes.md).
 */
export const updateGameStateParser = {
  safeParse(payload: unknown): ReturnType<typeof updateGameStateSchema.safeParse> {
    return isPlainUpdate(payload) ? { success: true, data: payload } : updateGameStateSchema.safeParse(payload);
  },
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

function isPlainUpdate(payload: unknown): payload is UpdateGameState {
  if (!isPlainObject(payload)) return false;
  // own keys only (the prototype is Object's, which adds none); an own `__proto__` is not a field
  for (const field in payload) if (!PLAIN_FIELDS.has(field)) return false;
  const { updates, baseVersion, updateId } = payload;
  if (baseVersion !== undefined && !(Number.isSafeInteger(baseVersion) && (baseVersion as number) >= 0)) return false;
  if (updateId !== undefined && !(typeof updateId === 'string' && updateId.length >= 1 && updateId.length <= 64)) return false;
  return isPlainUpdates(updates);
}

function isPlainUpdates(updates: unknown): boolean {
  if (!isPlainObject(updates)) return false;
  for (const key in updates) {
    if (key.length < 1 || key.length > 256 || key === DELTA_MARKER_KEY || key === '__proto__') return false;
    if (!isSafeJson(updates[key])) return false;
  }
  return true;
}
