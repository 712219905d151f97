import assert from 'node:assert/strict';
import CRC32 from 'crc-32';
import { canonicalJson } from '../../shared/canonical-json';
import { canonicalPart } from '../../shared/canonical-crc';
import type { JsonValue } from '../../shared/json';

/** The independent reference: npm crc-32 over the UTF-8 bytes Node's encoder makes of canonicalJson. */
export function referencePart(value: JsonValue): { crc: number; bytes: number } {
  const bytes = Buffer.from(canonicalJson(value), 'utf8');
  return { crc: CRC32.buf(bytes) >>> 0, bytes: bytes.length };
}

/** The cached CRC part of `value` is the reference's. */
export function assertPartMatches(value: JsonValue, what: string): void {
  const part = canonicalPart(value);
  assert.deepEqual({ crc: part.crc, bytes: part.bytes }, referencePart(value), what);
}
