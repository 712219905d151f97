import type { JsonObject, JsonValue } from './json';
import { merge3 } from './merge';
import { foldIntents, intentList, intentTrees, type Intent, type IntentNode } from './merge-intents';
import { plainOf, type StoredState, type StoredValue } from './patched-array';

/** A value as the client holds it: a wide list may be a PatchedArray (shared/patched-array.ts). */
type Maybe = StoredValue | undefined;

/** One batch of the user's edits that the server has not confirmed yet. */
export interface Edit {
  /** The update id, `<clientKey>-<seq>`, given when the batch is first sent and kept for every resend of it. */
  id?: string;
  seq?: number;
  /** Per key, what was shown without this batch when the user last edited it. */
  readonly base: Map<string, Maybe>;
  /** Per key, what the user made of it. */
  readonly value: Map<string, StoredValue>;
  /** Per key, how the user's change merges with others' (steps, text). */
  readonly intents: Map<string, IntentNode>;
  dueAt: number;
  /** On the wire: sent and not answered yet. */
  sent: boolean;
  /** The version the server applied it at, once acknowledged. */
  ackVersion?: number;
  /**
   * The version whose delta applied it, before its ack: the confirmed state holds it (so it is not
   * shown on top again), but it is not known to be committed until acknowledged (W4).
   */
  appliedAt?: number;
}

/** A batch as plain JSON, kept across a page reload; `base` absent: the key was absent. */
export interface KeptEdit {
  id: string;
  seq?: number;
  keys: Array<{ key: string; base?: JsonValue; value: JsonValue }>;
  intents: Intent[];
}

export interface Payload {
  updates: StoredState;
  intents: Intent[];
}

/**
 * The user's unconfirmed edits, oldest first, shown on top of the confirmed state: each batch is
 * kept as (base, value, intents) per key and merged three-way onto whatever the confirmed state
 * has become, so others' changes stay visible under one's own.
 *
 * One batch at a time is on its way (rule S8): the next is sent only once the confirmed state
 * holds the previous one, so every batch is merged by the server from the version its payload
 * was rebased on, and an item another player removed after seeing it stays removed.
 */
export class EditQueue {
  private edits: Edit[] = [];

  constructor(
    private readonly clientKey: string,
    private readonly nextSeq: () => number,
  ) {}

  get size(): number {
    return this.edits.length;
  }

  keys(): Set<string> {
    return new Set(this.edits.flatMap((edit) => [...edit.value.keys()]));
  }

  /**
   * Adds the user's new values (derived from the shown state) to the open batch. Its base becomes
   * what is shown without it now: since the batch is unsent, all of its effect is the difference,
   * and others' changes that arrived meanwhile are not mistaken for the user's.
   */
  record(updates: StoredState, intents: readonly Intent[], confirmed: (key: string) => Maybe, dueAt: number): void {
    const open = this.openBatch(dueAt);
    for (const [key, value] of Object.entries(updates)) {
      const before = this.shown(key, confirmed(key));
      open.base.set(key, this.shown(key, confirmed(key), open, false));
      open.value.set(key, value);
      const folded = foldIntents(key, open.intents.get(key), before, value, intents);
      if (folded) open.intents.set(key, folded);
      else open.intents.delete(key);
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
      if (edit.value.has(key) && edit.appliedAt === undefined) value = merge3(edit.base.get(key), value, edit.value.get(key), edit.intents.get(key));
      if (edit === upTo) break;
    }
    return value;
  }

  /** The oldest batch: the one on its way, or the next to send. */
  first(): Edit | undefined {
    return this.edits[0];
  }

  /** True while a batch is sent and the confirmed state does not hold it yet. */
  get inFlight(): boolean {
    const first = this.edits[0];
    return first !== undefined && (first.sent || first.ackVersion !== undefined);
  }

  /** What to send for the oldest batch, rebased onto the confirmed state. */
  payloadOf(edit: Edit, confirmed: (key: string) => Maybe): Payload {
    const updates: Record<string, StoredValue> = {};
    const intents: Intent[] = [];
    for (const key of edit.value.keys()) {
      const value = this.shown(key, confirmed(key), edit);
      if (value === undefined) continue;
      updates[key] = value;
      intents.push(...intentList(key, edit.intents.get(key)));
    }
    return { updates, intents };
  }

  acknowledge(edit: Edit, version: number): void {
    edit.sent = false;
    edit.ackVersion = version;
  }

  /**
   * Forgets the batches the confirmed state at `version` holds once acknowledged; those applied in
   * `applied` but not acknowledged yet are kept, hidden, until their ack says they are committed.
   */
  confirm(version: number, applied: ReadonlySet<string> = new Set()): boolean {
    const before = this.edits.length;
    for (const edit of this.edits) if (edit.id !== undefined && applied.has(edit.id)) edit.appliedAt ??= version;
    this.edits = this.edits.filter((edit) => !(edit.ackVersion !== undefined && edit.ackVersion <= version));
    return this.edits.length !== before;
  }

  /** A full state replaced the confirmed one: the batches it does not say it holds show, and go, again. */
  unapply(): void {
    for (const edit of this.edits) edit.appliedAt = undefined;
  }

  /** Forgets this client's sent batches up to update number `seq`, which the server says the confirmed state holds. */
  confirmThrough(seq: number): void {
    const mine = (edit: Edit) => edit.id?.startsWith(`${this.clientKey}-`) === true;
    this.edits = this.edits.filter((edit) => !mine(edit) || (edit.seq as number) > seq);
  }

  /**
   * The batches whose fate is not known, as JSON to keep while the page is away (rule S17). Each
   * gets its update id now: if this page still sends it later, a copy kept from now is not
   * applied twice.
   */
  kept(): KeptEdit[] {
    return this.edits
      .filter((edit) => edit.ackVersion === undefined)
      .map((edit) => ({
        id: this.name(edit),
        seq: edit.seq,
        // plain JSON: it is kept as text (a PatchedArray made plain once)
        keys: [...edit.value].map(([key, value]) => {
          const base = plainOf(edit.base.get(key));
          return { key, value: plainOf(value), ...(base === undefined ? {} : { base }) };
        }),
        intents: [...edit.intents].flatMap(([key, tree]) => intentList(key, tree)),
      }));
  }

  /**
   * Puts kept batches back, before any edit of this page, due at once. A batch that went out
   * keeps its id, whose client key the server remembers: if it was applied, it is not again.
   */
  restore(kept: readonly KeptEdit[]): void {
    const restored = kept.map((saved): Edit => ({
      id: saved.id,
      seq: saved.seq,
      base: new Map(saved.keys.map(({ key, base }) => [key, base])),
      value: new Map(saved.keys.map(({ key, value }) => [key, value])),
      intents: intentTrees(saved.intents),
      dueAt: 0,
      sent: false,
    }));
    this.edits = [...restored, ...this.edits];
  }

  /** The batch's answer will not come (a reconnect) or it must go again (a retry): it waits to be sent. */
  unsend(edit: Edit): void {
    edit.sent = false;
  }

  /** Drops a batch the server refused for good; its effect disappears from the shown state. */
  drop(edit: Edit): void {
    this.edits = this.edits.filter((candidate) => candidate !== edit);
  }

  /**
   * Replaces a batch of several keys by one batch per key, in its place, each due at once: a
   * payload too large for the server may hold parts that fit alone (rule S9).
   */
  split(edit: Edit): boolean {
    if (edit.value.size < 2 || edit.ackVersion !== undefined) return false;
    const parts: Edit[] = [...edit.value.keys()].map((key) => ({
      base: new Map([[key, edit.base.get(key)]]),
      value: new Map([[key, edit.value.get(key) as StoredValue]]),
      intents: new Map(edit.intents.has(key) ? [[key, edit.intents.get(key) as IntentNode]] : []),
      dueAt: 0,
      sent: false,
    }));
    this.edits.splice(this.edits.indexOf(edit), 1, ...parts);
    return true;
  }

  /** Every batch waiting for its debounce goes as soon as it may (the page is being hidden). */
  makeDue(): void {
    for (const edit of this.edits) edit.dueAt = 0;
  }

  /** Gives the batch its update id on its first send. */
  stamp(edit: Edit): string {
    edit.sent = true;
    return this.name(edit);
  }

  private name(edit: Edit): string {
    if (edit.id === undefined) {
      edit.seq = this.nextSeq();
      edit.id = `${this.clientKey}-${edit.seq}`;
    }
    return edit.id;
  }

  private openBatch(dueAt: number): Edit {
    // a batch that went out once keeps its content: a resend under its id must say the same
    const last = this.edits.at(-1);
    if (last && last.id === undefined) return last;
    const open: Edit = { base: new Map(), value: new Map(), intents: new Map(), dueAt, sent: false };
    this.edits.push(open);
    return open;
  }
}
