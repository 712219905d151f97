import { PatchedArray, type StoredValue } from '../../shared/patched-array';
import type { GameStateDelta } from '../../shared/protocol';

/** The values the keys a delta touched had just before it (shared, never mutated). */
export type ValuesBefore = ReadonlyMap<string, StoredValue | undefined>;

/**
 * One delta as kept, with the values its keys had just before it when known. Most deltas change
 * one key: that key and its value are kept in the item itself (a Map with one entry costs about
 * five times as much, a second object one more to promote and mark, and a table keeps up to
 * HISTORY_MAX_ENTRIES items).
 */
class HistoryItem {
  private readonly beforeKey: string | undefined;
  private readonly beforeValue: StoredValue | undefined;
  private readonly beforeMap: ValuesBefore | undefined;

  constructor(
    readonly entry: GameStateDelta,
    readonly bytes: number,
    before: ValuesBefore | undefined,
  ) {
    const only = before?.size === 1 ? (before.entries().next().value as [string, StoredValue | undefined]) : undefined;
    this.beforeKey = only?.[0];
    this.beforeValue = only?.[1];
    this.beforeMap = only ? undefined : before;
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
  private totalBytes = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {}

  push(entry: GameStateDelta, before?: ValuesBefore): void {
    const last = this.items.at(-1);
    if (last && last.entry.version !== entry.fromVersion) this.clear();
    const bytes = JSON.stringify(entry.delta).length + (before ? retainedBytes(before) : 0);
    this.items.push(new HistoryItem(entry, bytes, before));
    this.totalBytes += bytes;
    while (this.items.length > this.maxEntries || (this.totalBytes > this.maxBytes && this.items.length > 0)) {
      this.totalBytes -= (this.items.shift() as HistoryItem).bytes;
    }
  }

  /** The deltas that lead from `fromVersion` to `currentVersion`, or null when they are not all here. */
  since(fromVersion: number, currentVersion: number): GameStateDelta[] | null {
    const items = this.itemsSince(fromVersion, currentVersion);
    return items && items.map((item) => item.entry);
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
    const oldest = this.items[0];
    return oldest && this.items[version - oldest.entry.version]?.entry.crc;
  }

  get size(): number {
    return this.items.length;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  private itemsSince(fromVersion: number, currentVersion: number): HistoryItem[] | null {
    if (fromVersion === currentVersion) return [];
    const oldest = this.items[0];
    if (!oldest || fromVersion < oldest.entry.fromVersion || fromVersion > currentVersion) return null;
    // items are consecutive versions: push() starts over on a gap
    return this.items.slice(fromVersion - oldest.entry.fromVersion);
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
