import { differ as defaultDiffer, type Differ } from './diff';
import type { EditQueue, Edit, KeptEdit } from './edit-queue';
import type { Intent } from './merge-intents';
import { updateBody, type UpdateBody } from './path-diff';
import { Emitter } from './emitter';
import type { ErrorBody, ErrorCode } from './errors';
import type { StoredState, StoredValue } from './patched-array';
import {
  ClientEvent,
  ServerEvent,
  type FullGameState,
  type GameStateDelta,
  type JoinSessionAck,
  type MissingUpdates,
  type Role,
  type SessionErrorEvent,
  type UpdateGameStateAck,
} from './protocol';
import { ConfirmedState, type ApplyOutcome } from './confirmed-state';
import { TableEditQueues } from './table-edit-queues';

/** What the client needs of a Socket.IO client socket (tests wrap one to drop packets). */
export interface SyncSocket {
  readonly connected: boolean;
  on(event: string, listener: (...args: any[]) => void): unknown;
  off(event: string, listener?: (...args: any[]) => void): unknown;
  emit(event: string, ...args: any[]): unknown;
  disconnect(): unknown;
}

export type SyncStatus = 'connecting' | 'connected' | 'catching-up' | 'resyncing' | 'offline';

/** Debounce windows in ms per kind of edit; `default` serves kinds not listed. */
export type DebounceWindows = Record<string, number> & { default: number };

export const DEFAULT_DEBOUNCE: DebounceWindows = { default: 50, counter: 150, sheet: 300, notes: 500 };

export interface SyncClientOptions {
  socket: SyncSocket;
  debounceMs?: Partial<DebounceWindows>;
  /** Wait before sending again an update the server could not take (rate limit, failure). */
  retryMs?: number;
  differ?: Differ;
}

export type SyncEvents = {
  state: [StoredState];
  status: [SyncStatus];
  error: [ErrorBody & { event?: string }];
};

/** Refusals that sending again cannot fix: the edit is dropped and the user told. */
const FINAL_REFUSALS: ReadonlySet<ErrorCode> = new Set(['too-large', 'invalid-payload', 'forbidden']);

/** The server's update limit until its join ack says otherwise (the default of MAX_UPDATE_BYTES). */
const DEFAULT_MAX_UPDATE_BYTES = 1024 * 1024;

/**
 * The client side of the state exchange: holds the confirmed state and version, shows the user's
 * unconfirmed edits on top, applies deltas in order, catches up on gaps, resyncs on a CRC
 * mismatch, and sends edits debounced per kind, one batch at a time, again after a reconnect.
 * Pending edits belong to their table: joining another keeps them for when this one is back.
 */
export class SyncClient extends Emitter<SyncEvents> {
  private readonly socket: SyncSocket;
  private readonly differ: Differ;
  private confirmed: ConfirmedState;
  private readonly queues = new TableEditQueues();
  private readonly debounce: DebounceWindows;
  private readonly retryMs: number;
  private readonly detach: Array<() => void> = [];
  private sessionIdValue: string | null = null;
  private roleValue: Role | null = null;
  private maxUpdateBytes = DEFAULT_MAX_UPDATE_BYTES;
  private joined = false;
  private awaiting: 'nothing' | 'missing' | 'full' = 'nothing';
  private lastStatus: SyncStatus = 'connecting';
  private view: StoredState | null = null;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: SyncClientOptions) {
    super();
    this.socket = options.socket;
    this.differ = options.differ ?? defaultDiffer;
    this.confirmed = new ConfirmedState(this.differ);
    this.debounce = { ...DEFAULT_DEBOUNCE, ...options.debounceMs } as DebounceWindows;
    this.retryMs = options.retryMs ?? 500;
    this.listen('connect', () => this.onConnect());
    this.listen('disconnect', () => this.onDisconnect());
    this.listen(ServerEvent.fullGameState, (full: FullGameState) => this.onFullState(full));
    this.listen(ServerEvent.gameStateDelta, (entry: GameStateDelta) => this.onDeltas([entry]));
    this.listen(ServerEvent.missingUpdates, (missing: MissingUpdates) => this.onMissingUpdates(missing));
    this.listen(ServerEvent.sessionError, (error: SessionErrorEvent) => this.emit('error', error));
  }

  /**
   * The state as this user sees it: the confirmed state with their unconfirmed edits on top. A
   * wide list may be a PatchedArray (read it by `length`/`at(i)`, or `plainOf`); JSON.stringify
   * writes it plain.
   */
  get state(): StoredState {
    this.view ??= this.computeView();
    return this.view;
  }

  get status(): SyncStatus {
    return this.lastStatus;
  }

  /** The confirmed version, null before the first full state. */
  get version(): number | null {
    return this.confirmed.version;
  }

  /** CRC of the confirmed state. */
  get confirmedCrc(): number {
    return this.confirmed.crc();
  }

  get confirmedState(): StoredState {
    return this.confirmed.state;
  }

  /** Batches of edits of this table the server has not confirmed yet. */
  get pendingEdits(): number {
    return this.edits.size;
  }

  get sessionId(): string | null {
    return this.sessionIdValue;
  }

  get role(): Role | null {
    return this.roleValue;
  }

  /** Joins `sessionId` now, and again by itself after every reconnect. */
  join(sessionId: string): Promise<JoinSessionAck> {
    if (sessionId !== this.sessionIdValue) {
      this.confirmed = new ConfirmedState(this.differ);
      this.sessionIdValue = sessionId;
      this.joined = false;
      this.stateChanged();
    }
    return this.sendJoin();
  }

  /**
   * Records the user's new values of top-level keys, sent after the debounce window of `kind`.
   * `intents` say which numbers were stepped and which strings typed into as text, so that
   * others' edits made meanwhile are kept (docs/protocol.md, M7 and M8).
   */
  update(updates: StoredState, kind = 'default', intents: readonly Intent[] = []): void {
    if (this.sessionIdValue === null) return;
    const window = this.debounce[kind] ?? this.debounce.default;
    this.edits.record(updates, intents, (key) => this.confirmed.get(key), Date.now() + window);
    this.stateChanged();
    this.scheduleFlush();
  }

  /** The edits of `sessionId` not known to be applied, to keep while the page is away (S17). */
  keptEdits(sessionId: string): KeptEdit[] {
    return this.queues.kept(sessionId);
  }

  /** Puts back edits kept by an earlier page, to be sent once this client has joined `sessionId`. */
  restoreEdits(sessionId: string, kept: readonly KeptEdit[]): void {
    this.queues.of(sessionId).restore(kept);
    if (sessionId === this.sessionIdValue) this.stateChanged();
  }

  /** Sends the open edits now, whatever their debounce (on page hide, before closing). */
  flush(): void {
    this.edits.makeDue();
    this.pump();
  }

  close(): void {
    this.flush();
    clearTimeout(this.flushTimer);
    clearTimeout(this.retryTimer);
    for (const detach of this.detach) detach();
    this.socket.disconnect();
  }

  /** The edit queue of the table joined (or being joined). */
  private get edits(): EditQueue {
    return this.queues.of(this.sessionIdValue ?? '');
  }

  private listen(event: string, listener: (...args: any[]) => void): void {
    this.socket.on(event, listener);
    this.detach.push(() => this.socket.off(event, listener));
  }

  private sendJoin(): Promise<JoinSessionAck> {
    const sessionId = this.sessionIdValue as string;
    const fromVersion = this.confirmed.version ?? undefined;
    // with its CRC, the server can tell the version held from one it lost and numbered again (W4)
    const crc = fromVersion === undefined ? undefined : this.confirmed.crc();
    return new Promise((resolve) => {
      this.socket.emit(ClientEvent.joinSession, { sessionId, fromVersion, crc, clientKey: this.queues.clientKey }, (ack: JoinSessionAck) => {
        if (sessionId !== this.sessionIdValue) return resolve(ack);
        if (ack.ok) this.onJoined(ack, fromVersion);
        else this.emit('error', { event: ClientEvent.joinSession, ...ack.error });
        resolve(ack);
      });
    });
  }

  private onJoined(ack: JoinSessionAck & { ok: true }, fromVersion: number | undefined): void {
    this.joined = true;
    this.roleValue = ack.role;
    this.maxUpdateBytes = ack.maxUpdateBytes ?? DEFAULT_MAX_UPDATE_BYTES;
    // sending waits for the catch-up: a resend is then rebased on the version the server has
    this.awaiting = fromVersion === undefined ? 'full' : 'missing';
    this.updateStatus();
  }

  private onConnect(): void {
    if (this.sessionIdValue) void this.sendJoin();
    this.updateStatus();
  }

  private onDisconnect(): void {
    this.joined = false;
    this.awaiting = 'nothing';
    this.queues.unsendInFlight();
    this.updateStatus();
  }

  private onFullState(full: FullGameState): void {
    if (full.sessionId !== this.sessionIdValue) return;
    const crcHolds = this.confirmed.reset(full.state, full.version, full.crc);
    this.awaiting = 'nothing';
    if (!crcHolds) this.emit('error', { code: 'internal', message: 'the full state does not match its CRC' });
    // a batch whose answer was lost may be in this state already: shown twice, a step would count double
    if (full.appliedSeq !== undefined) this.edits.confirmThrough(full.appliedSeq);
    // one seen applied but not acknowledged may not be in it: the server lost it uncommitted (W4)
    this.edits.unapply();
    this.confirmedChanged(new Set());
  }

  private onMissingUpdates(missing: MissingUpdates): void {
    this.awaiting = 'nothing';
    this.onDeltas(missing.deltas);
  }

  private onDeltas(entries: GameStateDelta[]): void {
    const applied = new Set<string>();
    let changed = false;
    for (const entry of entries) {
      const outcome: ApplyOutcome = this.confirmed.apply(entry);
      if (outcome === 'applied') {
        changed = true;
        if (entry.updateId !== undefined) applied.add(entry.updateId);
      } else if (outcome === 'gap') this.requestMissing();
      else if (outcome === 'crc-mismatch') {
        this.requestFull();
        break;
      }
    }
    if (changed) return this.confirmedChanged(applied);
    this.updateStatus();
    this.pump();
  }

  private requestMissing(): void {
    if (this.awaiting !== 'nothing' || !this.joined) return;
    this.awaiting = 'missing';
    this.socket.emit(ClientEvent.requestMissingUpdates, { fromVersion: this.confirmed.version ?? 0 });
    this.updateStatus();
  }

  private requestFull(): void {
    if (this.awaiting === 'full' || !this.joined) return;
    this.awaiting = 'full';
    this.socket.emit(ClientEvent.requestMissingUpdates, { fromVersion: this.confirmed.version ?? 0, full: true });
    this.updateStatus();
  }

  /** The confirmed state moved: its own batches in it are done, the view changes, the next batch may go. */
  private confirmedChanged(applied: ReadonlySet<string>): void {
    const version = this.confirmed.version;
    if (version !== null) this.edits.confirm(version, applied);
    this.stateChanged();
    this.updateStatus();
    this.pump();
  }

  private canSend(): boolean {
    return this.joined && this.socket.connected && this.confirmed.version !== null && this.awaiting === 'nothing';
  }

  /** Sends the oldest batch when it is due and nothing else is on its way. */
  private pump(): void {
    const edit = this.edits.first();
    if (!edit || this.edits.inFlight || !this.canSend()) return;
    if (edit.dueAt > Date.now()) return this.scheduleFlush();
    const { updates, intents } = this.edits.payloadOf(edit, (key) => this.confirmed.get(key));
    // only what changed goes: an edit deep inside a large key costs what it changes (P6)
    const body = updateBody(updates, (key) => this.confirmed.get(key));
    // never bundle past the server's limit when the parts would fit alone
    if (body.bytes > this.maxUpdateBytes && this.edits.split(edit)) return this.pump();
    this.send(edit, body, intents);
  }

  private send(edit: Edit, { body }: UpdateBody, intents: Intent[]): void {
    const queue = this.edits;
    const updateId = queue.stamp(edit);
    const payload = { ...body, baseVersion: this.confirmed.version ?? undefined, updateId, ...(intents.length > 0 ? { intents } : {}) };
    this.socket.emit(ClientEvent.updateGameState, payload, (ack: UpdateGameStateAck) => this.onUpdateAck(queue, edit, ack));
  }

  private onUpdateAck(queue: EditQueue, edit: Edit, ack: UpdateGameStateAck): void {
    if (queue !== this.edits) {
      // an answer from a table left meanwhile: kept with that table's edits for its rejoin
      if (ack.ok) queue.acknowledge(edit, ack.version);
      else queue.unsend(edit);
      return;
    }
    if (ack.ok) {
      queue.acknowledge(edit, ack.version);
      if ((this.confirmed.version ?? -1) < ack.version) this.requestMissing();
      else this.confirmedChanged(new Set());
      return;
    }
    this.onRefused(queue, edit, ack.error);
  }

  private onRefused(queue: EditQueue, edit: Edit, error: ErrorBody): void {
    this.emit('error', { event: ClientEvent.updateGameState, ...error });
    if (error.code === 'too-large' && queue.split(edit)) return this.pump();
    if (FINAL_REFUSALS.has(error.code)) {
      queue.drop(edit);
      this.stateChanged();
      return this.pump();
    }
    queue.unsend(edit);
    if (error.code === 'version-conflict') this.requestFull();
    else if (error.code === 'not-in-session' && this.sessionIdValue) void this.sendJoin();
    else this.scheduleRetry();
  }

  private scheduleRetry(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.pump(), this.retryMs);
  }

  private scheduleFlush(): void {
    clearTimeout(this.flushTimer);
    const first = this.edits.first();
    if (!first || this.edits.inFlight) return;
    this.flushTimer = setTimeout(() => this.pump(), Math.max(0, first.dueAt - Date.now()));
  }

  private computeView(): StoredState {
    const view: Record<string, StoredValue> = { ...this.confirmed.state };
    for (const key of this.edits.keys()) {
      const shown = this.edits.shown(key, this.confirmed.get(key));
      if (shown === undefined) delete view[key];
      else view[key] = shown;
    }
    return view;
  }

  private stateChanged(): void {
    this.view = null;
    this.emit('state', this.state);
  }

  private updateStatus(): void {
    const status = this.deriveStatus();
    if (status === this.lastStatus) return;
    this.lastStatus = status;
    this.emit('status', status);
  }

  private deriveStatus(): SyncStatus {
    const known = this.confirmed.version !== null;
    if (!this.socket.connected) return known ? 'offline' : 'connecting';
    if (!this.joined || !known) return 'connecting';
    if (this.awaiting === 'full') return 'resyncing';
    if (this.awaiting === 'missing') return 'catching-up';
    return 'connected';
  }
}
