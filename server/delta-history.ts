import type { GameStateDelta } from '../shared/protocol';

/** The most recent deltas of a session, bounded both by count and by their size in bytes. */
export class DeltaHistory {
  private readonly entries: Array<{ entry: GameStateDelta; bytes: number }> = [];
  private totalBytes = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {}

  push(entry: GameStateDelta): void {
    const last = this.entries.at(-1);
    if (last && last.entry.version !== entry.fromVersion) this.clear();
    const bytes = JSON.stringify(entry.delta).length;
    this.entries.push({ entry, bytes });
    this.totalBytes += bytes;
    while (this.entries.length > this.maxEntries || (this.totalBytes > this.maxBytes && this.entries.length > 0)) {
      this.totalBytes -= (this.entries.shift() as { bytes: number }).bytes;
    }
  }

  /** The deltas that lead from `fromVersion` to the newest, or null when they are not all here. */
  since(fromVersion: number, currentVersion: number): GameStateDelta[] | null {
    if (fromVersion === currentVersion) return [];
    const oldest = this.entries[0];
    if (!oldest || fromVersion < oldest.entry.fromVersion || fromVersion > currentVersion) return null;
    // entries are consecutive versions: push() starts over on a gap
    return this.entries.slice(fromVersion - oldest.entry.fromVersion).map((item) => item.entry);
  }

  get size(): number {
    return this.entries.length;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  private clear(): void {
    this.entries.length = 0;
    this.totalBytes = 0;
  }
}
