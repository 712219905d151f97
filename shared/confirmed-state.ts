import type { Delta, Differ } from './diff';
import { patchStored } from './immutable-patch';
import type { JsonObject, JsonValue } from './json';
import type { StoredState, StoredValue } from './patched-array';
import type { GameStateDelta } from './protocol';
import { StateDocument } from './state-document';

export type ApplyOutcome = 'applied' | 'stale' | 'gap' | 'crc-mismatch';

/**
 * The client's copy of the server's state: exact, versioned, and checked by CRC after each patch.
 * A wide list whose items deltas replace is kept as a PatchedArray (shared/patched-array.ts), as
 * the server keeps it: its values are read through `StoredValue`, never as plain JSON only.
 */
export class ConfirmedState {
  private doc = new StateDocument();
  /** The values as stored, a new object whenever one changes (React compares by identity). */
  private stored: StoredState = {};
  private currentVersion: number | null = null;

  constructor(private readonly differ: Differ) {}

  /** Null until the first full state arrives. */
  get version(): number | null {
    return this.currentVersion;
  }

  get state(): StoredState {
    return this.stored;
  }

  get(key: string): StoredValue | undefined {
    return this.doc.peek(key);
  }

  crc(): number {
    return this.doc.crc();
  }

  /** Takes a full state; false when its CRC does not match what it claims. */
  reset(state: JsonObject, version: number, crc: number): boolean {
    this.doc = new StateDocument(state);
    this.stored = { ...state };
    this.currentVersion = version;
    return this.doc.crc() === crc;
  }

  /**
   * Applies one delta when it follows the current version. Only the parts the delta touches are
   * copied, and only the keys it touches re-checksummed: the cost follows the change, not the
   * size of the state.
   */
  apply(entry: GameStateDelta): ApplyOutcome {
    if (this.currentVersion === null || entry.version <= this.currentVersion) return 'stale';
    if (entry.fromVersion !== this.currentVersion) return 'gap';
    const fallback = (value: JsonValue | undefined, delta: Delta) => this.differ.patch(value, delta);
    const stored: Record<string, StoredValue> = { ...this.stored };
    for (const [key, keyDelta] of Object.entries(entry.delta as Record<string, Delta>)) {
      // never in place: the previous value may still be shown somewhere (React keeps references)
      const value = patchStored(this.doc.peek(key), keyDelta, fallback);
      this.doc.set(key, value);
      if (value === undefined) delete stored[key];
      else stored[key] = value;
    }
    this.stored = stored;
    this.currentVersion = entry.version;
    return this.doc.crc() === entry.crc ? 'applied' : 'crc-mismatch';
  }

}
