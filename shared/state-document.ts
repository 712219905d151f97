import { memberPart } from './canonical-crc';
import { crc32Extend, crcPartOf, type CrcPart } from './crc32';
import type { JsonObject, JsonValue } from './json';
import { PatchedArray, type StoredValue } from './patched-array';

/** The canonical bytes of one `"key":value` of the state, by CRC part. */
export type Segment = CrcPart;

const OPEN = crcPartOf('{');
const COMMA = crcPartOf(',');
const CLOSE = crcPartOf('}');

/**
 * The whole game state with its contract CRC kept up to date key by key: changing one top-level
 * key measures only what is new in its value (shared/canonical-crc.ts caches the parts of the
 * rest), and the document's CRC is combined from the keys' parts.
 * Values are replaced, never mutated in place, so callers may share them. A key may be stored as
 * a PatchedArray (the server's edits inside wide arrays): `peek` gives it as stored, while
 * `state` and `get` give plain JSON, made when first read.
 */
export class StateDocument {
  private readonly values: JsonObject = {};
  /** Keys stored as a PatchedArray, not yet made plain in `values`. */
  private readonly patched = new Map<string, PatchedArray>();
  private readonly segments = new Map<string, Segment>();
  private cachedCrc: number | undefined;
  /** The keys in canonical order, until one is added or removed. */
  private sortedKeys: string[] | undefined;
  private totalBytes = 2;

  constructor(initial: JsonObject = {}) {
    for (const [key, value] of Object.entries(initial)) this.set(key, value);
  }

  get state(): Readonly<JsonObject> {
    for (const key of this.patched.keys()) this.get(key);
    return this.values;
  }

  get(key: string): JsonValue | undefined {
    const patched = this.patched.get(key);
    if (patched) {
      this.values[key] = patched.toArray();
      this.patched.delete(key);
    }
    return Object.hasOwn(this.values, key) ? this.values[key] : undefined;
  }

  /** The value of `key` as stored, a PatchedArray included: what edits start from without copying. */
  peek(key: string): StoredValue | undefined {
    return this.patched.get(key) ?? this.get(key);
  }

  /** Replaces (or, with undefined, removes) one top-level key; `segment` if already measured. */
  set(key: string, value: StoredValue | undefined, segment?: Segment): void {
    if (value === undefined) return this.remove(key);
    segment ??= segmentOf(key, value);
    const old = this.segments.get(key);
    this.cachedCrc = undefined;
    // a key already here is overwritten, not deleted and added again: a delete turns the values
    // object into a dictionary, and each rehash of a long-lived table is more for the old generation
    if (value instanceof PatchedArray) {
      this.patched.set(key, value);
      if (Object.hasOwn(this.values, key)) delete this.values[key];
    } else {
      this.values[key] = value;
      this.patched.delete(key);
    }
    this.segments.set(key, segment);
    if (!old) this.sortedKeys = undefined;
    const separator = !old && this.segments.size > 1 ? 1 : 0;
    this.totalBytes += segment.bytes - (old?.bytes ?? 0) + separator;
  }

  /** CRC-32 of the canonical JSON of the whole state, unsigned. */
  crc(): number {
    this.cachedCrc ??= this.combineSegments();
    return this.cachedCrc;
  }

  /** Byte length of the canonical JSON of the whole state. */
  byteLength(): number {
    return this.totalBytes;
  }

  /** Byte length the state would have with `key` set to a value of `bytes` canonical bytes. */
  byteLengthWith(key: string, segmentBytes: number): number {
    const old = this.segments.get(key);
    const separator = old || this.segments.size === 0 ? 0 : 1;
    return this.totalBytes - (old?.bytes ?? 0) + segmentBytes + separator;
  }

  /** A deep, independent copy of the state (for callers that need to mutate). */
  snapshot(): JsonObject {
    return structuredClone(this.state);
  }

  private remove(key: string): void {
    const old = this.segments.get(key);
    this.cachedCrc = undefined;
    if (!old) return;
    this.sortedKeys = undefined;
    delete this.values[key];
    this.patched.delete(key);
    this.segments.delete(key);
    this.totalBytes -= old.bytes + (this.segments.size > 0 ? 1 : 0);
  }

  /** Combined from the keys' parts without a part object per step: this runs on every update. */
  private combineSegments(): number {
    const keys = (this.sortedKeys ??= [...this.segments.keys()].sort());
    let crc = OPEN.crc;
    for (let index = 0; index < keys.length; index++) {
      if (index > 0) crc = crc32Extend(crc, COMMA);
      crc = crc32Extend(crc, this.segments.get(keys[index] as string) as Segment);
    }
    return crc32Extend(crc, CLOSE);
  }
}

/** The canonical bytes of `"key":value` as it stands inside the whole state. */
export function segmentOf(key: string, value: StoredValue): Segment {
  return memberPart(key, value);
}
