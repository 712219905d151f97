import { differ as defaultDiffer, type Differ } from './diff';
import { EditQueue, type Edit } from './edit-queue';
import { Emitter } from './emitter';
import type { ErrorBody, ErrorCode } from './errors';
import type { JsonObject } from './json';
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
  state: [JsonObject];
  status: [SyncStatus];
  error: [ErrorBody & { event?: string }];
};

/** Refusals that sending again cannot fix: the edit is dropped and the user told. */
const FINAL_REFUSALS: ReadonlySet<ErrorCode> = new Set(['too-large', 'invalid-payload', 'forbidden']);

/**
 * The client side of the state exchange: holds the confirmed state and version, shows the user's
 * unconfirmed edits on top, applies deltas in order, catches up on gaps, resyncs on a CRC
 * mismatch, and sends edits debounced per kind, again after a reconnect if need be.
 */
export class SyncClient extends Emitter<SyncEvents> {
  private readonly socket: SyncSocket;
  private readonly differ: Differ;
  private confirmed: ConfirmedState;
  private readonly edits = new EditQueue(`u${Math.random().toString(36).slice(2, 10)}`);
  private readonly debounce: DebounceWindows;
  private readonly retryMs: number;
  private readonly detach: Array<() => void> = [];
  private sessionIdValue: string | null = null;
  private roleValue: Role | null = null;
  private joined = false;
  private resendOnSync = false;
  private awaiting: 'nothing' | 'missing' | 'full' = 'nothing';
  private lastStatus: SyncStatus = 'connecting';
  private view: JsonObject | null = null;
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

  /** The state as this user sees it: the confirmed state with their unconfirmed edits on top. */
  get state(): JsonObject {
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

  get confirmedState(): Readonly<JsonObject> {
    return this.confirmed.state;
  }

  /** Batches of edits the server has not confirmed yet. */
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
    if (sessionId !== this.sessionIdValue) this.confirmed = new ConfirmedState(this.differ);
    this.sessionIdValue = sessionId;
    return this.sendJoin();
  }

  /** Records the user's new values of top-level keys; sent after the debounce window of `kind`. */
  update(updates: JsonObject, kind = 'default'): void {
    const window = this.debounce[kind] ?? this.debounce.default;
    this.edits.record(updates, (key) => this.confirmed.get(key), Date.now() + window);
    this.stateChanged();
    this.scheduleFlush();
  }

  /** Sends the open edits now, whatever their debounce (on page hide, before closing). */
  flush(): void {
    const open = this.edits.open();
    if (open && this.canSend()) this.send(open);
  }

  close(): void {
    this.flush();
    clearTimeout(this.flushTimer);
    clearTimeout(this.retryTimer);
    for (const detach of this.detach) detach();
    this.socket.disconnect();
  }

  private listen(event: string, listener: (...args: any[]) => void): void {
    this.socket.on(event, listener);
    this.detach.push(() => this.socket.off(event, listener));
  }

  private sendJoin(): Promise<JoinSessionAck> {
    const sessionId = this.sessionIdValue as string;
    const fromVersion = this.confirmed.version ?? undefined;
    return new Promise((resolve) => {
      this.socket.emit(ClientEvent.joinSession, { sessionId, fromVersion }, (ack: JoinSessionAck) => {
        if (ack.ok) this.onJoined(ack.role, fromVersion);
        else this.emit('error', { event: ClientEvent.joinSession, ...ack.error });
        resolve(ack);
      });
    });
  }

  private onJoined(role: Role, fromVersion: number | undefined): void {
    this.joined = true;
    this.roleValue = role;
    this.awaiting = fromVersion === undefined ? 'full' : 'missing';
    this.resendOnSync = true;
    this.updateStatus();
    this.resumeSending();
  }

  /** After a (re)join: sends again what the server may not have, then what waits to be sent. */
  private resumeSending(): void {
    if (!this.resendOnSync || !this.canSend()) return;
    this.resendOnSync = false;
    this.resendUnacknowledged();
    this.flush();
  }

  private onConnect(): void {
    if (this.sessionIdValue) void this.sendJoin();
    this.updateStatus();
  }

  private onDisconnect(): void {
    this.joined = false;
    this.awaiting = 'nothing';
    this.updateStatus();
  }

  private onFullState(full: FullGameState): void {
    if (full.sessionId !== this.sessionIdValue) return;
    const crcHolds = this.confirmed.reset(full.state, full.version, full.crc);
    this.awaiting = 'nothing';
    if (!crcHolds) this.emit('error', { code: 'internal', message: 'the full state does not match its CRC' });
    this.confirmedChanged();
  }

  private onMissingUpdates(missing: MissingUpdates): void {
    this.awaiting = 'nothing';
    this.onDeltas(missing.deltas);
  }

  private onDeltas(entries: GameStateDelta[]): void {
    let changed = false;
    for (const entry of entries) {
      const outcome: ApplyOutcome = this.confirmed.apply(entry);
      if (outcome === 'applied') changed = true;
      else if (outcome === 'gap') this.requestMissing();
      else if (outcome === 'crc-mismatch') {
        this.requestFull();
        break;
      }
    }
    if (changed) this.confirmedChanged();
    else this.updateStatus();
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

  private confirmedChanged(): void {
    const version = this.confirmed.version;
    if (version !== null) this.edits.confirmUpTo(version);
    this.stateChanged();
    this.updateStatus();
    this.resumeSending();
  }

  private canSend(): boolean {
    return this.joined && this.socket.connected && this.confirmed.version !== null;
  }

  private send(edit: Edit): void {
    edit.sent = true;
    const updates = this.edits.payloadOf(edit, (key) => this.confirmed.get(key));
    const payload = { updates, baseVersion: this.confirmed.version ?? undefined, updateId: edit.id };
    this.socket.emit(ClientEvent.updateGameState, payload, (ack: UpdateGameStateAck) => this.onUpdateAck(edit, ack));
    this.scheduleFlush();
  }

  private onUpdateAck(edit: Edit, ack: UpdateGameStateAck): void {
    if (ack.ok) {
      this.edits.acknowledge(edit.id, ack.version);
      if ((this.confirmed.version ?? -1) < ack.version) this.requestMissing();
      else this.confirmedChanged();
      return;
    }
    this.emit('error', { event: ClientEvent.updateGameState, ...ack.error });
    if (FINAL_REFUSALS.has(ack.error.code)) {
      this.edits.drop(edit.id);
      this.stateChanged();
      return;
    }
    if (ack.error.code === 'version-conflict') this.requestFull();
    if (ack.error.code === 'not-in-session' && this.sessionIdValue) void this.sendJoin();
    else this.scheduleRetry();
  }

  private scheduleRetry(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (this.canSend()) this.resendUnacknowledged();
    }, this.retryMs);
  }

  private resendUnacknowledged(): void {
    const last = this.edits.lastUnacknowledged();
    if (last) this.send(last);
  }

  private scheduleFlush(): void {
    clearTimeout(this.flushTimer);
    const open = this.edits.open();
    if (!open) return;
    this.flushTimer = setTimeout(() => this.flush(), Math.max(0, open.dueAt - Date.now()));
  }

  private computeView(): JsonObject {
    const view: JsonObject = { ...this.confirmed.state };
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
