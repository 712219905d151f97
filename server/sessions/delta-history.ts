import { PatchedArray, type StoredValue } from '../../shared/patched-array';
import type { GameStateDelta } from '../../shared/protocol';

/** The values the keys a delta touched had just before it (shared, never mutated). */
export type ValuesBefore = ReadonlyMap<string, StoredValue | undefined>;

/** Deltas whose JSON is at most this long are kept as that JSON (a counter's change is some 20 characters). */
const JSON_KEPT_CHARS = 256;

/**
 * One delta as kept: the delta (a small one as its JSON), its CRC and update id (its versions
 * follow from its place in the history), with the values its keys had just before it when known.
 * A node keeps up to HISTORY_MAX_ENTRIES of these per table, every one promoted to the old
 * generation and marked at each full collection: as the broadcast entry (an entry, its delta, a
 * jsondiffpatch array per key) an update kept about six objects; as one item and one string, two
 * (278 bytes down to 158 for a counter's change). A large delta stays an object: it shares its
 * values with the state, where its JSON would be a copy. Most deltas change one key, whose old
 * value is kept in the item itself (a Map with one entry costs five times as much).
 */
class HistoryItem {
  /** The delta, or its JSON when that is at most JSON_KEPT_CHARS long. */
  private readonly delta: string | GameStateDelta['delta'];
  /** Signed: a small integer, where an unsigned CRC above 2^31 would be a heap number of its own. */
  private readonly signedCrc: number;
  private readonly updateId: string | undefined;
  private readonly beforeKey: string | undefined;
  private readonly beforeValue: StoredValue | undefined;
  private readonly beforeMap: ValuesBefore | undefined;

  constructor(
    entry: GameStateDelta,
    json: string,
    readonly bytes: number,
    before: ValuesBefore | undefined,
  ) {
    this.delta = json.length <= JSON_KEPT_CHARS ? json : entry.delta;
    this.signedCrc = entry.crc | 0;
    this.updateId = entry.updateId;
    const only = before?.size === 1 ? (before.entries().next().value as [string, StoredValue | undefined]) : undefined;
    this.beforeKey = only?.[0];
    this.beforeValue = only?.[1];
    this.beforeMap = only ? undefined : before;
  }

  get crc(): number {
    return this.signedCrc >>> 0;
  }

  /** The delta as it was broadcast, made again (only a catch-up reads it). */
  entry(fromVersion: number): GameStateDelta {
    const delta = typeof this.delta === 'string' ? (JSON.parse(this.delta) as GameStateDelta['delta']) : this.delta;
    const entry: GameStateDelta = { delta, version: fromVersion + 1, fromVersion, crc: this.crc };
    if (this.updateId !== undefined) entry.updateId = this.updateId;
    return entry;
  }

  get keepsValuesBefore(): boolean {
    return this.beforeKey !== undefined || this.beforeMap !== undefined;
  }

  holds(key: string): boolean {
    return this.beforeKey === undefined ? this.beforeMap?.has(key) === true : this.beforeKey === key;
  }

  /** The value `key` had before this delta; only for a key it `holds`. */
  valueBefore(key: string): StoredValue | undefined {
    return this.beforeKey === undefined ? this.beforeMap?.get(key) : this.beforeValue;
  }
}

/**
 * The most recent deltas of a session, bounded both by count and by size. Each delta may keep the
 * values its keys had before it, so the state at an older version can be read without reverting
 * deltas (jsondiffpatch's unpatch is not exact for every array delta).
 */
export class DeltaHistory {
  private readonly items: HistoryItem[] = [];
  /** The version the oldest item's delta starts from; the items follow it one version each. */
  private oldestFrom = 0;
  private totalBytes = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {}

  push(entry: GameStateDelta, before?: ValuesBefore): void {
    if (this.items.length > 0 && this.newestVersion !== entry.fromVersion) this.clear();
    if (this.items.length === 0) this.oldestFrom = entry.fromVersion;
    const json = JSON.stringify(entry.delta);
    const bytes = json.length + (before ? retainedBytes(before) : 0);
    this.items.push(new HistoryItem(entry, json, bytes, before));
    this.totalBytes += bytes;
    while (this.items.length > this.maxEntries || (this.totalBytes > this.maxBytes && this.items.length > 0)) {
      this.totalBytes -= (this.items.shift() as HistoryItem).bytes;
      this.oldestFrom++;
    }
  }

  /** The deltas that lead from `fromVersion` to `currentVersion`, or null when they are not all here. */
  since(fromVersion: number, currentVersion: number): GameStateDelta[] | null {
    const items = this.itemsSince(fromVersion, currentVersion);
    return items && items.map((item, i) => item.entry(fromVersion + i));
  }

  /**
   * What `keys` held at `version`, given what they hold now; null when the history does not reach
   * back that far with the values it needs.
   */
  valuesAt(version: number, currentVersion: number, current: (key: string) => StoredValue | undefined, keys: string[]) {
    const items = this.itemsSince(version, currentVersion);
    if (!items || items.some((item) => !item.keepsValuesBefore)) return null;
    const values = new Map<string, StoredValue | undefined>();
    for (const key of keys) {
      const first = items.find((item) => item.holds(key));
      values.set(key, first ? first.valueBefore(key) : current(key));
    }
    return values;
  }

  /** The CRC the state had at `version`, when a delta here led to it. */
  crcAt(version: number): number | undefined {
    return this.items[version - this.oldestFrom - 1]?.crc;
  }

  get size(): number {
    return this.items.length;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  private get newestVersion(): number {
    return this.oldestFrom + this.items.length;
  }

  private itemsSince(fromVersion: number, currentVersion: number): HistoryItem[] | null {
    if (fromVersion === currentVersion) return [];
    if (this.items.length === 0 || fromVersion < this.oldestFrom || fromVersion > currentVersion) return null;
    // items are consecutive versions: push() starts over on a gap
    return this.items.slice(fromVersion - this.oldestFrom);
  }

  private clear(): void {
    this.items.length = 0;
    this.totalBytes = 0;
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
