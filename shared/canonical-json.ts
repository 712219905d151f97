/**
 * Canonical JSON of the contract: object keys sorted by UTF-16 code units (JavaScript's default
 * sort), no whitespace, scalars exactly as JSON.stringify writes them, array order kept.
 * Written iteratively over an explicit stack so that depth never overflows the call stack.
 */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item instanceof Token) {
      parts.push(item.text);
    } else {
      pushValue(item, parts, stack);
    }
  }
  return parts.join('');
}

/** Literal text queued on the stack between values. */
class Token {
  constructor(readonly text: string) {}
}
const OPEN_ARRAY = new Token('[');
const CLOSE_ARRAY = new Token(']');
const OPEN_OBJECT = new Token('{');
const CLOSE_OBJECT = new Token('}');
const COMMA = new Token(',');

function pushValue(value: unknown, parts: string[], stack: unknown[]): void {
  if (Array.isArray(value)) {
    stack.push(CLOSE_ARRAY);
    for (let i = value.length - 1; i >= 0; i--) {
      // JSON.stringify writes undefined array slots as null
      stack.push(value[i] === undefined ? null : value[i]);
      if (i > 0) stack.push(COMMA);
    }
    parts.push(OPEN_ARRAY.text);
    return;
  }
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort();
    stack.push(CLOSE_OBJECT);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i] as string;
      stack.push(record[key]);
      stack.push(new Token(`${JSON.stringify(key)}:`));
      if (i > 0) stack.push(COMMA);
    }
    parts.push(OPEN_OBJECT.text);
    return;
  }
  parts.push(JSON.stringify(value) ?? 'null');
}
