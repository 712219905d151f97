import type { Delta, Differ } from './diff';
import { patchImmutably } from './immutable-patch';
import type { JsonObject, JsonValue } from './json';
import type { GameStateDelta } from './protocol';
import { StateDocument } from './state-document';

export type ApplyOutcome = 'applied' | 'stale' | 'gap' | 'crc-mismatch';

/** The client's copy of the server's state: exact, versioned, and checked by CRC after each patch. */
export class ConfirmedState {
  private doc = new StateDocument();
  private currentVersion: number | null = null;

  constructor(private readonly differ: Differ) {}

  /** Null until the first full state arrives. */
  get version(): number | null {
    return this.currentVersion;
  }

  get state(): Readonly<JsonObject> {
    return this.doc.state;
  }

  get(key: string): JsonValue | undefined {
    return this.doc.get(key);
  }

  crc(): number {
    return this.doc.crc();
  }

  /** Takes a full state; false when its CRC does not match what it claims. */
  reset(state: JsonObject, version: number, crc: number): boolean {
    this.doc = new StateDocument(state);
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
    for (const [key, keyDelta] of Object.entries(entry.delta as Record<string, Delta>)) {
      // never in place: the previous value may still be shown somewhere (React keeps references)
      this.doc.set(key, patchImmutably(this.doc.get(key), keyDelta, fallback));
    }
    this.currentVersion = entry.version;
    return this.doc.crc() === entry.crc ? 'applied' : 'crc-mismatch';
  }

}
