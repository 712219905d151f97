/** JSON values as they travel on the wire and live in the game state. */
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, i) => deepEqual(item, other[i]));
  }
  const aKeys = Object.keys(a);
  const bObj = b as Record<string, unknown>;
  if (aKeys.length !== Object.keys(bObj).length) return false;
  return aKeys.every((key) => Object.hasOwn(bObj, key) && deepEqual((a as Record<string, unknown>)[key], bObj[key]));
}

/** Deep copy of a JSON value (structuredClone keeps class instances we never have here). */
export function cloneJson<T extends JsonValue | undefined>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}

/** The value of a JSON text; undefined when it is not JSON. */
export function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** One step of a path into a JSON value: a key, an index, or (in arrays of items) an item's id. */
export type PathSegment = string | number;
