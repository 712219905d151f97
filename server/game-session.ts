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
import { StateDocument } from '../shared/state-document';
import { DeltaHistory } from './delta-history';
import type { SessionLimits } from './limits';
import type { SessionChannel } from './session-channel';
import type { TableState } from '../shared/layers-protocol';
import type { SessionTable } from './session-table';
import type { AppliedUpdate, SessionMeta, SessionStore, StoredSession } from './storage/session-store';
import { planUpdate, type PlanContext } from './update-plan';
import { TaskQueue } from './task-queue';
import { AppliedUpdates, originOf, type UpdateOrigin } from './applied-updates';
import { patchImmutably } from '../shared/immutable-patch';
import type { TableUsage } from './table-usage';

/** How long a client's last applied update is remembered: as long as its token may reconnect. */
const APPLIED_UPDATE_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

/** The stored log of a table does not rebuild the state it was broadcast with. */
export class LogReplayError extends Error {
  constructor(
    readonly sessionId: string,
    readonly version: number,
    cause?: unknown,
  ) {
    super(`the log of session ${sessionId} does not replay to the CRC of version ${version}`, { cause });
  }
}

export interface GameSessionDeps {
  store: SessionStore;
  channel: SessionChannel;
  limits: SessionLimits;
  differ: Differ;
  logger: Logger;
  /** Stored bytes per table and per host, shared by every session. */
  usage: TableUsage;
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
  private readonly applied: AppliedUpdates;
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
    this.applied = new AppliedUpdates(stored.applied);
    this.doc = new StateDocument(structuredClone(stored.snapshot.state));
    this.replayLog(stored);
    this.version = stored.log.at(-1)?.version ?? stored.snapshot.version;
    this.snapshotVersion = this.version;
    this.recordUsage();
  }

  get currentVersion(): number {
    return this.version;
  }

  get state(): Readonly<JsonObject> {
    return this.doc.state;
  }

  /** The largest update this session takes, which the sync client bundles its edits under. */
  get maxUpdateBytes(): number {
    return this.deps.limits.maxUpdateBytes;
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

  /** The whole table; for one client, with the number of its last update the state holds (S15). */
  fullState(client?: { userId: string; clientKey: string }): FullGameState {
    const appliedSeq = client && this.applied.lastSeq(client.userId, client.clientKey);
    return {
      sessionId: this.id,
      state: this.doc.state as JsonObject,
      version: this.version,
      crc: this.doc.crc(),
      ...this.table.snapshot(),
      ...(appliedSeq === undefined ? {} : { appliedSeq }),
    };
  }

  /** Throws `too-large` when the table, with layers of `layerBytes`, would pass its or its host's stored-bytes limit. */
  checkLayerGrowth(layerBytes: number): void {
    this.deps.usage.check(this.id, this.meta.hostId, this.doc.byteLength() + layerBytes);
  }

  /** Counts the table's bytes as they are now: after a commit of its state or its layers. */
  recordUsage(): void {
    this.deps.usage.record(this.id, this.meta.hostId, this.doc.byteLength() + this.table.layers.byteLength);
  }

  tableState(): TableState {
    return { sessionId: this.id, ...this.table.snapshot() };
  }

  /**
   * Rebuilds the state from the snapshot and the log. Every logged delta keeps the values it
   * replaced, so a merge from any base in the log finds it (S11). The result must carry the CRC
   * the last delta was broadcast with: anything else is a log that cannot be trusted (B12).
   */
  private replayLog(stored: StoredSession): void {
    const last = stored.log.at(-1);
    try {
      for (const entry of stored.log) this.history.push(entry, this.replay(entry));
    } catch (error) {
      throw new LogReplayError(this.id, last?.version ?? 0, error);
    }
    if (last && this.doc.crc() !== last.crc) throw new LogReplayError(this.id, last.version);
  }

  /** Applies a logged delta key by key, copying only what it touches; returns what it replaced. */
  private replay(entry: GameStateDelta): Map<string, JsonValue | undefined> {
    const before = new Map<string, JsonValue | undefined>();
    const fallback = (value: JsonValue | undefined, delta: Delta) => this.deps.differ.patch(value, structuredClone(delta));
    for (const [key, keyDelta] of Object.entries(entry.delta as Record<string, Delta>)) {
      const old = this.doc.get(key);
      before.set(key, old);
      this.doc.set(key, patchImmutably(old, keyDelta, fallback));
    }
    return before;
  }

  /** The deltas after `fromVersion`, or null when the history no longer holds them all. */
  deltasSince(fromVersion: number): GameStateDelta[] | null {
    return this.history.since(fromVersion, this.version);
  }

  /** Applies a client's update; `userId` (its sender) lets a resend of it be recognized. */
  applyUpdate(update: UpdateGameState, userId?: string): Promise<UpdateResult> {
    return this.exclusive(() => this.commitUpdate(update, userId));
  }

  private async commitUpdate(update: UpdateGameState, userId: string | undefined): Promise<UpdateResult> {
    const origin = userId === undefined || update.updateId === undefined ? undefined : originOf(userId, update.updateId);
    const resent = origin && this.applied.versionOfResend(origin);
    if (resent !== undefined) return { version: resent };
    const { values, segments, delta, stateBytes } = planUpdate(update, this.planContext(update.baseVersion));
    this.deps.usage.check(this.id, this.meta.hostId, stateBytes + this.table.layers.byteLength);
    if (Object.keys(delta).length === 0) {
      if (origin) await this.recordUnchanged(origin);
      return { version: this.version };
    }

    const previous = new Map(Object.keys(delta).map((key) => [key, this.doc.get(key)]));
    for (const key of previous.keys()) this.doc.set(key, values.get(key), segments.get(key));
    const entry: GameStateDelta = { delta: delta as Delta, version: this.version + 1, fromVersion: this.version, crc: this.doc.crc() };
    if (update.updateId !== undefined) entry.updateId = update.updateId;
    const applied = origin && { ...origin, version: entry.version };
    try {
      await this.deps.store.appendUpdate(this.id, entry, applied);
    } catch (error) {
      for (const [key, value] of previous) this.doc.set(key, value);
      this.deps.logger.error({ err: error, sessionId: this.id, version: entry.version }, 'could not store an update');
      throw new ProtocolError('internal', 'the update could not be stored; nothing was changed');
    }
    this.version = entry.version;
    if (applied) this.applied.record(applied);
    this.history.push(entry, previous);
    this.recordUsage();
    this.deps.channel.broadcast(this.id, ServerEvent.gameStateDelta, entry);
    await this.snapshotIfDue();
    return { version: entry.version, delta: entry };
  }

  /** An update that changed nothing still counts as applied: merged again later, it might change something. */
  private recordUnchanged(origin: UpdateOrigin): Promise<void> {
    return this.recordApplied({ ...origin, version: this.version });
  }

  /** What an update of this origin was acknowledged with when it was applied; undefined when it is new. */
  appliedAs(origin: UpdateOrigin): number | undefined {
    return this.applied.versionOfResend(origin);
  }

  /** Remembers, durably, that an update was applied (in `version`), so that a resend of it is not. */
  async recordApplied(applied: AppliedUpdate): Promise<void> {
    try {
      await this.deps.store.recordApplied(this.id, applied);
    } catch (error) {
      this.deps.logger.error({ err: error, sessionId: this.id }, 'could not record an applied update');
      throw new ProtocolError('internal', 'the update could not be stored; nothing was changed');
    }
    this.applied.record(applied);
  }

  /** How planUpdate finds the values an update was made from. */
  private planContext(baseVersion: number | undefined): PlanContext {
    const { differ, limits } = this.deps;
    const baseValues = (keys: string[]) => {
      if (baseVersion === undefined || baseVersion === this.version) return undefined;
      if (baseVersion > this.version) {
        // a server that lost its last commits (synchronous=normal, a crash): the client's edit is
        // still its edit, taken on top of what the server has (S12)
        this.deps.logger.warn({ sessionId: this.id, baseVersion, version: this.version }, 'an update from a version this server does not have');
        return undefined;
      }
      return this.history.valuesAt(baseVersion, this.version, (key) => this.doc.get(key), keys);
    };
    return { doc: this.doc, differ, baseValues, limits };
  }

  private async snapshotIfDue(): Promise<void> {
    if (this.version - this.snapshotVersion < this.deps.limits.snapshotEvery) return;
    try {
      const snapshot = { version: this.version, state: this.doc.snapshot() };
      // the store keeps what rebuilds the history's reach, so merges and catch-ups work after a reload
      const keepFrom = this.version - this.deps.limits.historyMaxEntries;
      await this.deps.store.saveSnapshot(this.id, snapshot, keepFrom, Date.now() - APPLIED_UPDATE_RETENTION_MS);
      this.snapshotVersion = this.version;
    } catch (error) {
      // the log still holds every update: a missed snapshot only makes the next load longer
      this.deps.logger.warn({ err: error, sessionId: this.id, version: this.version }, 'could not store a snapshot');
    }
  }
}
