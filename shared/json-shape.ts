import type { JsonValue } from './json';

/** Nesting deeper than this is refused: no real game state needs it, and it guards recursion. */
export const MAX_JSON_DEPTH = 64;

/**
 * A key the delta format gives a meaning (jsondiffpatch marks array deltas with it): an object
 * holding one would be patched as an array by every client, and its log could not be replayed.
 */
export const DELTA_MARKER_KEY = '_t';

/**
 * True when `value` is plain JSON (what JSON.parse can produce) no deeper than `maxDepth`, with no
 * `__proto__` key anywhere (assigning one would replace an object's prototype) and no `_t` key
 * (DELTA_MARKER_KEY). Iterative, so a hostile nesting cannot overflow the stack.
 */
export function isSafeJson(value: unknown, maxDepth = MAX_JSON_DEPTH): value is JsonValue {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: item, depth } = stack.pop() as { value: unknown; depth: number };
    if (!isSafeNode(item, depth, maxDepth)) return false;
    if (typeof item === 'object' && item !== null) {
      for (const child of Object.values(item)) stack.push({ value: child, depth: depth + 1 });
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
