import { PatchedArray, type StoredValue } from '../../shared/patched-array';
import type { GameStateDelta } from '../../shared/protocol';
import { TextChunks } from './text-chunks';

/** The values the keys a delta touched had just before it (shared, never mutated). */
export type ValuesBefore = ReadonlyMap<string, StoredValue | undefined>;

/** Deltas whose JSON is at most this long are kept as that JSON (a counter's change is some 20 characters). */
const JSON_KEPT_CHARS = 256;

/** The numbers kept per delta, side by side in one Int32Array. */
const CRC = 0;
const CHUNK = 1;
const OFFSET = 2;
/** UTF-8 bytes of the delta's JSON (0 when the delta is kept as an object), the update id following it. */
const JSON_BYTES = 3;
/** UTF-8 bytes of the update id; -1 without one. */
const ID_BYTES = 4;
/** What the delta counts for against the history's byte limit. */
const COUNTED = 5;
const FIELDS = 6;

/** Slots in a new history's ring; it doubles as it fills, up to the history's count. */
const FIRST_CAPACITY = 8;

/** What few deltas need kept as objects: a large delta itself, the values before one that changed several keys. */
interface RareSlot {
  delta?: GameStateDelta['delta'];
  before?: ValuesBefore;
}

/**
 * The most recent deltas of a session, bounded both by count and by size. Each delta may keep the
 * values its keys had before it, so the state at an older version can be read without reverting
 * deltas (jsondiffpatch's unpatch is not exact for every array delta).
 *
 * A node keeps up to HISTORY_MAX_ENTRIES deltas per table, most of them small. Their JSON and
 * update ids are written into byte chunks outside the heap (TextChunks), their CRCs and places
 * into one Int32Array, and the values before them into arrays of references: a delta adds no
 * object of its own to the heap. As one object, a string and an update id per delta (158 bytes
 * for a counter's change), it made the old generation grow by some 300 KB a second at 400 tables,
 * and every one of those objects was marked at each full collection. A large delta stays
 * an object: it shares its values with the state, where its JSON would be a copy. Versions follow
 * from the place in the ring.
 */
export class DeltaHistory {
  private numbers = new Int32Array(FIRST_CAPACITY * FIELDS);
  /** Most deltas change one key: its old value is kept beside its name (a Map with one entry costs five times as much). */
  private beforeKeys: Array<string | undefined> = new Array(FIRST_CAPACITY);
  private beforeValues: Array<StoredValue | undefined> = new Array(FIRST_CAPACITY);
  /**
   * Made for the first delta that needs one: a history of small one-key deltas (a counter's, a
   * note's) then holds two arrays of references, 16 bytes a slot (16 KB per table at 1,000).
   */
  private rare: Array<RareSlot | undefined> | undefined;
  private readonly text = new TextChunks();
  private capacity = FIRST_CAPACITY;
  /** The ring slot of the oldest delta. */
  private head = 0;
  private count = 0;
  /** The version the oldest delta starts from; the others follow it one version each. */
  private oldestFrom = 0;
  private totalBytes = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {}

  push(entry: GameStateDelta, before?: ValuesBefore): void {
    if (this.count > 0 && this.newestVersion !== entry.fromVersion) this.clear();
    if (this.count === 0) this.oldestFrom = entry.fromVersion;
    if (this.count === this.capacity) this.grow();
    const json = JSON.stringify(entry.delta);
    const kept = json.length <= JSON_KEPT_CHARS;
    const slot = this.slotOf(this.count);
    const at = slot * FIELDS;
    const { numbers, text } = this;
    numbers[at + CHUNK] = text.append(kept ? json : '', entry.updateId);
    numbers[at + OFFSET] = text.lastOffset;
    numbers[at + JSON_BYTES] = text.lastBytes;
    numbers[at + ID_BYTES] = entry.updateId === undefined ? -1 : text.lastAfterBytes;
    numbers[at + CRC] = entry.crc | 0;
    const bytes = json.length + (before ? retainedBytes(before) : 0);
    numbers[at + COUNTED] = bytes;
    this.keepReferences(slot, before, kept ? undefined : entry.delta);
    this.count++;
    this.totalBytes += bytes;
    while (this.count > this.maxEntries || (this.totalBytes > this.maxBytes && this.count > 0)) this.dropOldest();
  }

  /** The deltas that lead from `fromVersion` to `currentVersion`, or null when they are not all here. */
  since(fromVersion: number, currentVersion: number): GameStateDelta[] | null {
    const first = this.firstIndexSince(fromVersion, currentVersion);
    if (first === null) return null;
    const entries: GameStateDelta[] = [];
    for (let i = first; i < this.count; i++) entries.push(this.entryAt(i));
    return entries;
  }

  /**
   * What `keys` held at `version`, given what they hold now; null when the history does not reach
   * back that far with the values it needs.
   */
  valuesAt(version: number, currentVersion: number, current: (key: string) => StoredValue | undefined, keys: string[]) {
    const first = this.firstIndexSince(version, currentVersion);
    if (first === null) return null;
    for (let i = first; i < this.count; i++) if (!this.keepsValuesBefore(this.slotOf(i))) return null;
    const values = new Map<string, StoredValue | undefined>();
    for (const key of keys) {
      let slot: number | undefined;
      for (let i = first; i < this.count && slot === undefined; i++) if (this.holds(this.slotOf(i), key)) slot = this.slotOf(i);
      values.set(key, slot === undefined ? current(key) : this.valueBefore(slot, key));
    }
    return values;
  }

  /** The CRC the state had at `version`, when a delta here led to it. */
  crcAt(version: number): number | undefined {
    const i = version - this.oldestFrom - 1;
    if (i < 0 || i >= this.count) return undefined;
    return (this.numbers[this.slotOf(i) * FIELDS + CRC] as number) >>> 0;
  }

  get size(): number {
    return this.count;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  private get newestVersion(): number {
    return this.oldestFrom + this.count;
  }

  /** The delta as it was broadcast, made again (only a catch-up reads it). */
  private entryAt(i: number): GameStateDelta {
    const slot = this.slotOf(i);
    const at = slot * FIELDS;
    const n = this.numbers;
    const chunk = n[at + CHUNK] as number;
    const offset = n[at + OFFSET] as number;
    const jsonBytes = n[at + JSON_BYTES] as number;
    const idBytes = n[at + ID_BYTES] as number;
    const delta = this.rare?.[slot]?.delta ?? (JSON.parse(this.text.read(chunk, offset, jsonBytes)) as GameStateDelta['delta']);
    const fromVersion = this.oldestFrom + i;
    const entry: GameStateDelta = { delta, version: fromVersion + 1, fromVersion, crc: (n[at + CRC] as number) >>> 0 };
    if (idBytes >= 0) entry.updateId = this.text.read(chunk, offset + jsonBytes, idBytes);
    return entry;
  }

  /**
   * The references the delta in `slot` keeps: the value before it when it changed one key; a slot
   * object for the values before several keys, or for `large`, a delta too long to keep as JSON.
   */
  private keepReferences(slot: number, before: ValuesBefore | undefined, large: GameStateDelta['delta'] | undefined): void {
    const only = before?.size === 1 ? (before.entries().next().value as [string, StoredValue | undefined]) : undefined;
    this.beforeKeys[slot] = only?.[0];
    this.beforeValues[slot] = only?.[1];
    const several = only ? undefined : before;
    if (large !== undefined || several !== undefined) (this.rare ??= new Array(this.capacity))[slot] = { delta: large, before: several };
    else if (this.rare) this.rare[slot] = undefined;
  }

  private beforeMapOf(slot: number): ValuesBefore | undefined {
    return this.rare?.[slot]?.before;
  }

  private keepsValuesBefore(slot: number): boolean {
    return this.beforeKeys[slot] !== undefined || this.beforeMapOf(slot) !== undefined;
  }

  private holds(slot: number, key: string): boolean {
    const only = this.beforeKeys[slot];
    return only === undefined ? this.beforeMapOf(slot)?.has(key) === true : only === key;
  }

  /** The value `key` had before the delta in `slot`; only for a key it `holds`. */
  private valueBefore(slot: number, key: string): StoredValue | undefined {
    return this.beforeKeys[slot] === undefined ? this.beforeMapOf(slot)?.get(key) : this.beforeValues[slot];
  }

  private slotOf(i: number): number {
    return (this.head + i) % this.capacity;
  }

  /** The index (0: oldest) of the delta from `fromVersion`, or null when the history does not lead from there to `currentVersion`. */
  private firstIndexSince(fromVersion: number, currentVersion: number): number | null {
    if (fromVersion === currentVersion) return this.count;
    if (this.count === 0 || fromVersion < this.oldestFrom || fromVersion > currentVersion) return null;
    // the deltas are consecutive versions: push() starts over on a gap
    return fromVersion - this.oldestFrom;
  }

  private dropOldest(): void {
    const slot = this.head;
    this.totalBytes -= this.numbers[slot * FIELDS + COUNTED] as number;
    this.forget(slot);
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    this.oldestFrom++;
    if (this.count === 0) this.text.clear();
    else this.text.dropBefore(this.numbers[this.head * FIELDS + CHUNK] as number);
  }

  /** Lets go of what a slot referred to, so that old values and large deltas are not kept alive. */
  private forget(slot: number): void {
    this.beforeKeys[slot] = undefined;
    this.beforeValues[slot] = undefined;
    if (this.rare) this.rare[slot] = undefined;
  }

  /** Twice the slots, up to one more than the history keeps (a delta is pushed before the oldest goes). */
  private grow(): void {
    const capacity = Math.min(this.maxEntries + 1, this.capacity * 2);
    const numbers = new Int32Array(capacity * FIELDS);
    const beforeKeys: typeof this.beforeKeys = new Array(capacity);
    const beforeValues: typeof this.beforeValues = new Array(capacity);
    const rare: typeof this.rare = this.rare && new Array(capacity);
    for (let i = 0; i < this.count; i++) {
      const slot = this.slotOf(i);
      numbers.set(this.numbers.subarray(slot * FIELDS, slot * FIELDS + FIELDS), i * FIELDS);
      beforeKeys[i] = this.beforeKeys[slot];
      beforeValues[i] = this.beforeValues[slot];
      if (rare) rare[i] = this.rare?.[slot];
    }
    this.numbers = numbers;
    this.beforeKeys = beforeKeys;
    this.beforeValues = beforeValues;
    this.rare = rare;
    this.capacity = capacity;
    this.head = 0;
  }

  private clear(): void {
    for (let i = 0; i < this.count; i++) this.forget(this.slotOf(i));
    this.count = 0;
    this.head = 0;
    this.totalBytes = 0;
    this.text.clear();
  }
}

/**
 * What keeping old values costs beyond the state itself: unchanged parts are shared with newer
 * versions, so roughly the top-level spine of each value (8 bytes a slot).
 */
function retainedBytes(before: ValuesBefore): number {
  let bytes = 0;
  for (const value of before.values()) {
    // a PatchedArray keeps its base alive: counted as the spine it stands for, as a copy would be
    if (value instanceof PatchedArray) bytes += 8 * value.length;
    else if (typeof value === 'object' && value !== null) bytes += 8 * (Array.isArray(value) ? value.length : Object.keys(value).length);
  }
  return bytes;
}
