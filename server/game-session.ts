import type { Logger } from 'pino';
import type { Delta, Differ } from '../shared/diff';
import { ProtocolError } from '../shared/errors';
import type { JsonObject, JsonValue } from '../shared/json';
import {
  ServerEvent,
  type FullGameState,
  type GameStateDelta,
  type Role,
  type UpdateGameState,
} from '../shared/protocol';
import { segmentOf, StateDocument, type Segment } from '../shared/state-document';
import { DeltaHistory } from './delta-history';
import type { SessionLimits } from './limits';
import type { SessionChannel } from './session-channel';
import type { TableState } from '../shared/layers-protocol';
import type { SessionTable } from './session-table';
import type { SessionMeta, SessionStore, StoredSession } from './storage/session-store';
import { mergeUpdates, requireMergeBase } from './update-merge';
import { TaskQueue } from './task-queue';
import { RecentIds } from './recent-ids';

export interface GameSessionDeps {
  store: SessionStore;
  channel: SessionChannel;
  limits: SessionLimits;
  differ: Differ;
  logger: Logger;
}

export interface UpdateResult {
  version: number;
  /** The delta broadcast for this update; absent when it changed nothing or was a resend. */
  delta?: GameStateDelta;
}

/**
 * The authoritative state of one session: its version, recent history, and the one place where
 * updates are merged, committed to the store, and broadcast, one at a time and in version order.
 */
export class GameSession {
  readonly id: string;
  readonly meta: SessionMeta;
  private readonly doc: StateDocument;
  private version: number;
  private snapshotVersion: number;
  private readonly history: DeltaHistory;
  private readonly appliedUpdateIds = new RecentIds<number>(1024);
  private readonly queue = new TaskQueue();
  /** Users who joined since this server loaded the session: with the host, who may read its PDFs. */
  private readonly members = new Set<string>();

  constructor(
    stored: StoredSession,
    private readonly deps: GameSessionDeps,
    readonly table: SessionTable,
  ) {
    this.id = stored.meta.id;
    this.meta = stored.meta;
    this.history = new DeltaHistory(deps.limits.historyMaxEntries, deps.limits.historyMaxBytes);
    this.doc = new StateDocument(structuredClone(stored.snapshot.state));
    for (const entry of stored.log) {
      if (entry.version > stored.snapshot.version) this.history.push(entry, this.replay(entry));
      else this.history.push(entry);
    }
    this.version = stored.log.at(-1)?.version ?? stored.snapshot.version;
    this.snapshotVersion = stored.snapshot.version;
  }

  get currentVersion(): number {
    return this.version;
  }

  get state(): Readonly<JsonObject> {
    return this.doc.state;
  }

  roleOf(userId: string): Role {
    return userId === this.meta.hostId ? 'host' : 'player';
  }

  /** True when no task of this session is queued or running: it may leave memory now. */
  get idle(): boolean {
    return this.queue.idle;
  }

  admit(userId: string): void {
    this.members.add(userId);
  }

  isMember(userId: string): boolean {
    return userId === this.meta.hostId || this.members.has(userId);
  }

  /** Runs `task` when every earlier task of this session has finished: nothing interleaves. */
  exclusive<T>(task: () => T | Promise<T>): Promise<T> {
    return this.queue.run(task);
  }

  fullState(): FullGameState {
    return {
      sessionId: this.id,
      state: this.doc.state as JsonObject,
      version: this.version,
      crc: this.doc.crc(),
      ...this.table.snapshot(),
    };
  }

  tableState(): TableState {
    return { sessionId: this.id, ...this.table.snapshot() };
  }

  /** Applies a logged delta key by key, without mutating shared values; returns what it replaced. */
  private replay(entry: GameStateDelta): Map<string, JsonValue | undefined> {
    const before = new Map<string, JsonValue | undefined>();
    for (const [key, keyDelta] of Object.entries(entry.delta as Record<string, never>)) {
      const old = this.doc.get(key);
      before.set(key, old);
      this.doc.set(key, this.deps.differ.patch(structuredClone(old), structuredClone(keyDelta)));
    }
    return before;
  }

  /** The deltas after `fromVersion`, or null when the history no longer holds them all. */
  deltasSince(fromVersion: number): GameStateDelta[] | null {
    return this.history.since(fromVersion, this.version);
  }

  applyUpdate(update: UpdateGameState): Promise<UpdateResult> {
    return this.exclusive(() => this.commitUpdate(update));
  }

  private async commitUpdate(update: UpdateGameState): Promise<UpdateResult> {
    const resent = update.updateId === undefined ? undefined : this.appliedUpdateIds.get(update.updateId);
    if (resent !== undefined) return { version: resent };
    const values = this.valuesToStore(update);
    const segments = this.measure(values);
    const delta = this.diffAgainstState(values);
    if (Object.keys(delta).length === 0) return this.remember(update, { version: this.version });

    const previous = new Map(Object.keys(delta).map((key) => [key, this.doc.get(key)]));
    for (const key of previous.keys()) this.doc.set(key, values[key], segments.get(key));
    const entry: GameStateDelta = { delta: delta as Delta, version: this.version + 1, fromVersion: this.version, crc: this.doc.crc() };
    try {
      await this.deps.store.appendUpdate(this.id, entry);
    } catch (error) {
      for (const [key, value] of previous) this.doc.set(key, value);
      this.deps.logger.error({ err: error, sessionId: this.id, version: entry.version }, 'could not store an update');
      throw new ProtocolError('internal', 'the update could not be stored; nothing was changed');
    }
    this.version = entry.version;
    this.history.push(entry, previous);
    this.deps.channel.broadcast(this.id, ServerEvent.gameStateDelta, entry);
    await this.snapshotIfDue();
    return this.remember(update, { version: entry.version, delta: entry });
  }

  private valuesToStore(update: UpdateGameState): JsonObject {
    const { updates, baseVersion } = update;
    if (baseVersion === undefined || baseVersion === this.version) return updates;
    if (baseVersion > this.version) {
      throw new ProtocolError('invalid-payload', `baseVersion ${baseVersion} is ahead of the session (${this.version})`);
    }
    const current = (key: string) => this.doc.get(key);
    const base = this.history.valuesAt(baseVersion, this.version, current, Object.keys(updates));
    return mergeUpdates(updates, requireMergeBase(base, baseVersion), current);
  }

  /** Canonical size of each value, checked against the update and state limits. */
  private measure(values: JsonObject): Map<string, Segment> {
    const { maxUpdateBytes, maxStateBytes } = this.deps.limits;
    const segments = new Map<string, Segment>();
    let updateBytes = 0;
    for (const [key, value] of Object.entries(values)) {
      const segment = segmentOf(key, value);
      segments.set(key, segment);
      updateBytes += segment.bytes;
      if (updateBytes > maxUpdateBytes) {
        throw new ProtocolError('too-large', `an update may hold at most ${maxUpdateBytes} bytes of JSON`);
      }
    }
    let stateBytes = this.doc.byteLength();
    for (const [key, segment] of segments) stateBytes += this.doc.byteLengthWith(key, segment.bytes) - this.doc.byteLength();
    if (stateBytes > maxStateBytes) {
      throw new ProtocolError('too-large', `the session state may hold at most ${maxStateBytes} bytes of JSON`);
    }
    return segments;
  }

  private diffAgainstState(values: JsonObject): Record<string, unknown> {
    const delta: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(values)) {
      const keyDelta = this.deps.differ.diff(this.doc.get(key), value);
      if (keyDelta !== undefined) delta[key] = keyDelta;
    }
    return delta;
  }

  private remember(update: UpdateGameState, result: UpdateResult): UpdateResult {
    if (update.updateId !== undefined) this.appliedUpdateIds.set(update.updateId, result.version);
    return result;
  }

  private async snapshotIfDue(): Promise<void> {
    if (this.version - this.snapshotVersion < this.deps.limits.snapshotEvery) return;
    try {
      const snapshot = { version: this.version, state: this.doc.snapshot() };
      // the log keeps what the history may serve, so clients just behind still catch up after a reload
      await this.deps.store.saveSnapshot(this.id, snapshot, this.deps.limits.historyMaxEntries);
      this.snapshotVersion = this.version;
    } catch (error) {
      // the log still holds every update: a missed snapshot only makes the next load longer
      this.deps.logger.warn({ err: error, sessionId: this.id, version: this.version }, 'could not store a snapshot');
    }
  }
}
