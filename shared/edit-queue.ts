import type { JsonObject, JsonValue } from './json';
import { merge3 } from './merge';

type Maybe = JsonValue | undefined;

/** One batch of the user's edits that the server has not confirmed yet. */
export interface Edit {
  readonly id: string;
  /** What each key looked like when this batch first touched it (without this batch). */
  readonly base: Map<string, Maybe>;
  /** What the user made of each key. */
  readonly value: Map<string, JsonValue>;
  dueAt: number;
  sent: boolean;
  /** The version the server acknowledged this batch with. */
  ackVersion?: number;
}

/**
 * The user's unconfirmed edits, oldest first, shown on top of the confirmed state. Each batch is
 * kept as (base, value) per key and merged three-way onto whatever the confirmed state has become,
 * so others' changes stay visible under one's own until the server confirms them.
 * Only the newest batch is still open (unsent); sent batches wait for their ack and delta.
 */
export class EditQueue {
  private edits: Edit[] = [];
  private counter = 0;

  constructor(private readonly idPrefix: string) {}

  get size(): number {
    return this.edits.length;
  }

  /** Keys whose shown value differs in kind from the confirmed one. */
  keys(): Set<string> {
    return new Set(this.edits.flatMap((edit) => [...edit.value.keys()]));
  }

  /**
   * Adds the user's new values (derived from the shown state) to the open batch. Its base becomes
   * what is shown without the open batch now: since the batch is unsent, all of its effect is the
   * difference, and others' changes that arrived meanwhile are not mistaken for the user's.
   */
  record(updates: JsonObject, confirmed: (key: string) => Maybe, dueAt: number): void {
    let open = this.open();
    if (!open) {
      open = { id: `${this.idPrefix}-${++this.counter}`, base: new Map(), value: new Map(), dueAt, sent: false };
      this.edits.push(open);
    }
    for (const [key, value] of Object.entries(updates)) {
      open.base.set(key, this.shown(key, confirmed(key), open, false));
      open.value.set(key, value);
    }
    open.dueAt = Math.min(open.dueAt, dueAt);
  }

  /**
   * The shown value of `key`: the confirmed value with the unconfirmed batches merged on top, up to
   * `upTo` (all by default), including `upTo` itself unless `inclusive` is false.
   */
  shown(key: string, confirmed: Maybe, upTo: Edit | undefined = undefined, inclusive = true): Maybe {
    let value = confirmed;
    for (const edit of this.edits) {
      if (edit === upTo && !inclusive) break;
      if (edit.value.has(key)) value = merge3(edit.base.get(key), value, edit.value.get(key));
      if (edit === upTo) break;
    }
    return value;
  }

  /** The batch still open for new edits, if any. */
  open(): Edit | undefined {
    const last = this.edits.at(-1);
    return last && !last.sent ? last : undefined;
  }

  /**
   * The newest sent batch whose fate the server has not told yet. Its payload covers every
   * unacknowledged batch before it, so after a reconnect or a refusal it alone is sent again.
   */
  lastUnacknowledged(): Edit | undefined {
    return this.edits.findLast((edit) => edit.sent && edit.ackVersion === undefined);
  }

  /**
   * The updates to send for `edit`: every key it or an earlier unacknowledged batch touches, as
   * shown up to it. An ack of this batch therefore confirms all of those batches.
   */
  payloadOf(edit: Edit, confirmed: (key: string) => Maybe): JsonObject {
    const keys = new Set<string>();
    for (const candidate of this.edits) {
      if (candidate.ackVersion === undefined) for (const key of candidate.value.keys()) keys.add(key);
      if (candidate === edit) break;
    }
    const updates: JsonObject = {};
    for (const key of keys) {
      const value = this.shown(key, confirmed(key), edit);
      if (value !== undefined) updates[key] = value;
    }
    return updates;
  }

  /** Records the server's ack of `id`, which also covers every unacknowledged batch before it. */
  acknowledge(id: string, version: number): void {
    const index = this.edits.findIndex((candidate) => candidate.id === id);
    for (const edit of this.edits.slice(0, index + 1)) edit.ackVersion ??= version;
  }

  /** Forgets the batches the confirmed state at `version` already holds; true if any. */
  confirmUpTo(version: number): boolean {
    const before = this.edits.length;
    this.edits = this.edits.filter((edit) => edit.ackVersion === undefined || edit.ackVersion > version);
    return this.edits.length !== before;
  }

  /** Drops a batch the server refused for good; its effect disappears from the shown state. */
  drop(id: string): void {
    this.edits = this.edits.filter((edit) => edit.id !== id);
  }
}
