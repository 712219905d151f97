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

  /** Adds the user's new values; `view` reads a key's shown value before this edit. */
  record(updates: JsonObject, view: (key: string) => Maybe, dueAt: number): void {
    let open = this.edits.at(-1);
    if (!open || open.sent) {
      open = { id: `${this.idPrefix}-${++this.counter}`, base: new Map(), value: new Map(), dueAt, sent: false };
      this.edits.push(open);
    }
    for (const [key, value] of Object.entries(updates)) {
      if (!open.base.has(key)) open.base.set(key, view(key));
      open.value.set(key, value);
    }
    open.dueAt = Math.min(open.dueAt, dueAt);
  }

  /** The shown value of `key`: the confirmed value with every unconfirmed batch merged on top. */
  shown(key: string, confirmed: Maybe, upTo: Edit | undefined = undefined): Maybe {
    let value = confirmed;
    for (const edit of this.edits) {
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

  /** Sent batches whose fate the server has not told yet (to send again after a reconnect). */
  unacknowledged(): Edit[] {
    return this.edits.filter((edit) => edit.sent && edit.ackVersion === undefined);
  }

  /** The updates to send for `edit`: every key it touches, as shown including it. */
  payloadOf(edit: Edit, confirmed: (key: string) => Maybe): JsonObject {
    const updates: JsonObject = {};
    for (const key of edit.value.keys()) {
      const value = this.shown(key, confirmed(key), edit);
      if (value !== undefined) updates[key] = value;
    }
    return updates;
  }

  acknowledge(id: string, version: number): void {
    const edit = this.edits.find((candidate) => candidate.id === id);
    if (edit) edit.ackVersion = version;
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
