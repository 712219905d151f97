import type { Layers } from '../../shared/layers-protocol';

/**
 * Recent revisions of a session's pages, kept so that an edit made from an older revision can be
 * merged three-way against what its author saw. Bounded for the whole session by count and by
 * bytes: the oldest revisions of any page go first.
 */
export class LayerHistory {
  /** Insertion order is age order: Map iterates oldest first. */
  private readonly entries = new Map<string, { layers: Layers; bytes: number }>();
  private totalBytes = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {}

  push(pageKey: string, revision: number, layers: Layers, bytes: number): void {
    this.entries.set(entryKey(pageKey, revision), { layers, bytes });
    this.totalBytes += bytes;
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.totalBytes <= this.maxBytes) break;
      this.entries.delete(key);
      this.totalBytes -= entry.bytes;
    }
  }

  /** Forgets every revision of the pages whose key starts with `prefix` (a removed book's). */
  forget(prefix: string): void {
    for (const [key, entry] of this.entries) {
      if (!key.startsWith(prefix)) continue;
      this.entries.delete(key);
      this.totalBytes -= entry.bytes;
    }
  }

  get(pageKey: string, revision: number): Layers | undefined {
    return this.entries.get(entryKey(pageKey, revision))?.layers;
  }
}

function entryKey(pageKey: string, revision: number): string {
  return `${pageKey}#${revision}`;
}
