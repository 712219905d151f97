import type { JsonValue } from './json';

/** Nesting deeper than this is refused: no real game state needs it, and it guards recursion. */
export const MAX_JSON_DEPTH = 64;

/**
 * More values than this are refused: a walk of the payload then stops early whatever its size.
 * The frame limits keep accepted payloads far smaller (an update of MAX_UPDATE_BYTES holds at
 * most ~524 000 values, all of them one digit).
 */
export const MAX_JSON_NODES = 500_000;

/**
 * A key the delta format gives a meaning (jsondiffpatch marks array deltas with it): an object
 * holding one would be patched as an array by every client, and its log could not be replayed.
 */
export const DELTA_MARKER_KEY = '_t';

/**
 * True when `value` is plain JSON (what JSON.parse can produce) no deeper than `maxDepth`, with no
 * `__proto__` key anywhere (assigning one would replace an object's prototype) and no `_t` key
 * (DELTA_MARKER_KEY), of at most `maxNodes` values. Iterative, so a hostile nesting cannot
 * overflow the stack.
 */
export function isSafeJson(value: unknown, maxDepth = MAX_JSON_DEPTH, maxNodes = MAX_JSON_NODES): value is JsonValue {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  let nodes = 1;
  while (stack.length > 0) {
    const { value: item, depth } = stack.pop() as { value: unknown; depth: number };
    if (!isSafeNode(item, depth, maxDepth)) return false;
    if (typeof item === 'object' && item !== null) {
      const children = Object.values(item);
      nodes += children.length;
      if (nodes > maxNodes) return false;
      for (const child of children) stack.push({ value: child, depth: depth + 1 });
    }
  }
  return true;
}

function isSafeNode(item: unknown, depth: number, maxDepth: number): boolean {
  switch (typeof item) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(item);
    case 'object':
      if (item === null) return true;
      if (depth >= maxDepth) return false;
      if (Array.isArray(item)) return true;
      return Object.getPrototypeOf(item) === Object.prototype && !Object.hasOwn(item, '__proto__') && !Object.hasOwn(item, DELTA_MARKER_KEY);
    default:
      return false;
  }
}
