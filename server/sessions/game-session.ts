import type { Logger } from 'pino';
import type { Delta, Differ } from '../../shared/diff';
import { ProtocolError } from '../../shared/errors';
import type { JsonObject } from '../../shared/json';
import {
  ServerEvent,
  type FullGameState,
  type GameStateDelta,
  type Role,
  type UpdateGameState,
} from '../../shared/protocol';
import { StateDocument } from '../../shared/state-document';
import type { StoredValue } from '../../shared/patched-array';
import { DeltaHistory } from './delta-history';
import { snapshotPhase } from './snapshot-phase';
import { replayDelta, replayLog } from './log-replay';
import type { SessionLimits } from '../limits/limits';
import type { SessionChannel } from './session-channel';
import type { TableState } from '../../shared/layers-protocol';
import type { SessionTable } from './session-table';
import type { AppliedUpdate, SessionMeta, SessionStore, Snapshot, StoredSession } from '../storage/session-store';
import { planUpdate, type PlanContext } from './update-plan';
import { TaskQueue } from './task-queue';
import { AppliedUpdates, appliedIn, originOf, type UpdateOrigin } from './applied-updates';
import type { TableUsage } from '../limits/table-usage';
import { SessionCommits } from './session-commits';
import { SessionRecovery, type Attempt } from './session-recovery';
import { isRemoved, roleIn } from './role-rules';
import { PlannedUpdate, type UpdateGuard } from './update-policy';

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

/** An update applied in memory (and relayed): its result, once `committed` resolves. */
type AppliedInMemory = Attempt<UpdateResult>;

/**
 * The authoritative state of one session: its version, recent history, and the one place where
 * updates are merged, broadcast and committed to the store, one at a time and in version order.
 * An update is broadcast as soon as it is applied in memory; its sender is acknowledged once it
 * is committed (docs/storage.md, W2).
 */
export class GameSession {
  readonly id: string;
  readonly meta: SessionMeta;
  private doc!: StateDocument;
  private version!: number;
  private snapshotVersion!: number;
  private history!: DeltaHistory;
  private applied!: AppliedUpdates;
  private readonly queue = new TaskQueue();
  private readonly commits: SessionCommits;
  private readonly recovery: SessionRecovery<UpdateResult>;
  private arrivals = 0;
  /** Users who joined since this server loaded the session: with the host, who may read its PDFs. */
  private readonly members = new Set<string>();

  constructor(
    stored: StoredSession,
    private readonly deps: GameSessionDeps,
    readonly table: SessionTable,
  ) {
    this.id = stored.meta.id;
    this.meta = stored.meta;
    this.commits = new SessionCommits({
      sessionId: this.id,
      store: deps.store,
      channel: deps.channel,
      logger: deps.logger,
      historyMaxEntries: deps.limits.historyMaxEntries,
      onCommitted: () => this.recovery.committed(),
      onFailure: (error) => this.recovery.failed(error),
    });
    const recoverable = {
      id: this.id,
      commits: this.commits,
      exclusive: <T>(task: () => T | Promise<T>) => this.exclusive(task),
      reloadFromStore: () => this.reloadFromStore(),
    };
    this.recovery = new SessionRecovery(recoverable, deps.logger);
    this.load(stored);
  }

  /** Takes the state, history and applied updates the store holds. */
  private load(stored: StoredSession): void {
    this.history = new DeltaHistory(this.deps.limits.historyMaxEntries, this.deps.limits.historyMaxBytes);
    this.applied = new AppliedUpdates(stored.applied);
    this.doc = new StateDocument(structuredClone(stored.snapshot.state));
    replayLog(this.id, stored.log, this.doc, this.history, this.deps.differ);
    this.version = stored.log.at(-1)?.version ?? stored.snapshot.version;
    this.snapshotVersion = this.version - snapshotPhase(this.id, this.deps.limits.snapshotEvery);
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
    return roleIn(this.table.roles, userId);
  }

  /** True when no task or commit of this session is queued or running: it may leave memory now. */
  get idle(): boolean {
    return this.queue.idle && this.commits.idle && !this.recovery.active;
  }

  /** Resolves once every task queued so far has run and every update applied is committed (or failed). */
  async drain(): Promise<void> {
    await this.exclusive(() => undefined);
    await this.commits.settled().catch(() => undefined);
    await this.recovery.ended();
  }

  admit(userId: string): void {
    this.members.add(userId);
  }

  /** Joined (or created it), and not removed since: who may read the table's PDFs. */
  isMember(userId: string): boolean {
    if (isRemoved(this.table.roles, userId)) return false;
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
   * The deltas after `fromVersion`, or null when the history no longer holds them all, or when
   * `crc` is not this session's at `fromVersion` (a version lost uncommitted and numbered again).
   */
  deltasSince(fromVersion: number, crc?: number): GameStateDelta[] | null {
    if (crc !== undefined && crc !== this.crcAt(fromVersion)) return null;
    return this.history.since(fromVersion, this.version);
  }

  private crcAt(version: number): number | undefined {
    return version === this.version ? this.doc.crc() : this.history.crcAt(version);
  }

  /**
   * Applies a client's update; `userId` (its sender) lets a resend of it be recognized. Resolves
   * once it is committed, with all before it; others see the delta as soon as it is applied.
   * When nothing else of the session is queued or running, it is applied at once, in this call:
   * an update waiting for its commit then holds one reaction on its batch's promise, not a queued
   * task and an async frame (hundreds wait at once on a busy node, and each scavenge copied them).
   */
  applyUpdate(update: UpdateGameState, userId?: string, guard?: UpdateGuard): Promise<UpdateResult> {
    const arrival = this.arrivals++;
    const apply = this.applier(update, userId, guard);
    const { recovery } = this;
    if (!this.queue.idle || recovery.active) return recovery.untilCommitted(this.exclusive(apply), arrival, apply);
    let applied: AppliedInMemory;
    try {
      applied = apply();
    } catch (error) {
      return recovery.untilCommitted(Promise.reject(error), arrival, apply);
    }
    return applied.committed.then(
      () => applied.result,
      () => recovery.untilCommitted(Promise.resolve(applied), arrival, apply),
    );
  }

  /** The update's application, queued in the session's turn (returned, not named: tsx names each named closure as it is made). */
  private applier(update: UpdateGameState, userId: string | undefined, guard: UpdateGuard | undefined): () => AppliedInMemory {
    return () => this.applyAndRelay(update, userId, guard);
  }

  private applyAndRelay(update: UpdateGameState, userId: string | undefined, guard: UpdateGuard | undefined): AppliedInMemory {
    this.recovery.requireIntact();
    const origin = userId === undefined || update.updateId === undefined ? undefined : originOf(userId, update.updateId);
    const resent = origin && this.applied.versionOfResend(origin);
    // a resend of an update still being committed is acknowledged once it is
    if (resent !== undefined) return { result: { version: resent }, committed: this.commits.settled() };
    const { values, segments, delta, stateBytes } = planUpdate(update, this.planContext());
    guard?.(new PlannedUpdate(this.table.roles, delta, this.doc, values));
    this.deps.usage.check(this.id, this.meta.hostId, stateBytes + this.table.layers.byteLength);
    if (Object.keys(delta).length === 0) {
      const committed = origin ? this.recordUnchanged(origin) : this.commits.settled();
      return { result: { version: this.version }, committed };
    }

    // as stored: a PatchedArray stays one (made plain, it would cost a copy of the array)
    const previous = new Map<string, StoredValue | undefined>();
    for (const key in delta) previous.set(key, this.doc.peek(key));
    for (const key of previous.keys()) this.doc.set(key, values.get(key), segments.get(key));
    const entry = deltaEntry(delta as Delta, this.version, this.doc.crc(), update.updateId);
    this.version = entry.version;
    // first, before the bookkeeping that nothing in this turn reads: every client waits for it
    this.deps.channel.broadcast(this.id, ServerEvent.gameStateDelta, entry);
    const applied = origin && appliedIn(origin, entry.version);
    if (applied) this.applied.record(applied);
    this.history.push(entry, previous);
    this.recordUsage();
    const committed = this.commits.append(applied ? { entry, applied } : { entry }, this.snapshotIfDue());
    return { result: { version: entry.version, delta: entry }, committed };
  }

  /** An update that changed nothing still counts as applied: merged again later, it might change something. */
  private recordUnchanged(origin: UpdateOrigin): Promise<void> {
    return this.queueApplied(appliedIn(origin, this.version));
  }

  /** What an update of this origin was acknowledged with when it was applied; undefined when it is new. */
  appliedAs(origin: UpdateOrigin): number | undefined {
    return this.applied.versionOfResend(origin);
  }

  /** Remembers, durably, that an update was applied (in `version`), so that a resend of it is not. */
  async recordApplied(applied: AppliedUpdate): Promise<void> {
    try {
      await this.queueApplied(applied);
    } catch {
      throw new ProtocolError('internal', 'the update could not be stored; nothing was changed');
    }
  }

  /** Counted at once (a resend meanwhile is recognized), stored in its turn among the session's commits. */
  private queueApplied(applied: AppliedUpdate): Promise<void> {
    this.applied.record(applied);
    return this.commits.recordApplied(applied);
  }

  /** After a failed commit: the state others were sent went further than the store, which the session takes again. */
  private async reloadFromStore(): Promise<void> {
    const stored = await this.deps.store.loadSession(this.id);
    if (!stored) throw new Error('the session is no longer stored');
    this.reload(stored);
  }

  /** Takes `stored` whole; this node's members get the full state (their deltas since do not hold). */
  reload(stored: StoredSession): void {
    this.load(stored);
    this.deps.channel.broadcast(this.id, ServerEvent.fullGameState, this.fullState());
  }

  /** True when everything applied here is committed: the session is what the store holds, up to its version. */
  get settled(): boolean {
    return this.commits.idle && !this.commits.broken && !this.recovery.active;
  }

  /**
   * A delta another node committed, taken in this session's turn when it continues this version
   * and rebuilds its CRC, then relayed to this node's members; false when it does not (the
   * caller reads the store then). `applied` lets a resend of its update here be recognized.
   */
  followCommitted(entry: GameStateDelta, applied?: AppliedUpdate): boolean {
    if (entry.fromVersion !== this.version) return false;
    const previous = replayDelta(this.doc, entry, this.deps.differ);
    if (this.doc.crc() !== entry.crc) return false;
    this.version = entry.version;
    this.history.push(entry, previous);
    if (applied) this.applied.record(applied);
    this.recordUsage();
    this.deps.channel.broadcast(this.id, ServerEvent.gameStateDelta, entry);
    return true;
  }

  /** An update another node applied that changed nothing: a resend of it here is not merged again. */
  followApplied(applied: AppliedUpdate): void {
    this.applied.record(applied);
  }

  /** What planUpdate reads of the session. */
  private planContext(): PlanContext {
    const { differ, limits } = this.deps;
    return { doc: this.doc, differ, baseValues: this.baseValues, limits };
  }

  /** The values `keys` had at `baseVersion`, for planUpdate's merge (made once per session, not per update). */
  private readonly baseValues: PlanContext['baseValues'] = (keys, baseVersion) => {
    if (baseVersion === undefined || baseVersion === this.version) return undefined;
    if (baseVersion > this.version) {
      // a server that lost its last commits (synchronous=normal, a crash): the client's edit is
      // still its edit, taken on top of what the server has (S12)
      this.deps.logger.warn({ sessionId: this.id, baseVersion, version: this.version }, 'an update from a version this server does not have');
      return undefined;
    }
    return this.history.valuesAt(baseVersion, this.version, (key) => this.doc.peek(key), keys);
  };

  /**
   * The state as it is now, when a snapshot is due, to be stored after the commit of its version
   * (later updates may be applied in memory by then).
   */
  private snapshotIfDue(): Snapshot | undefined {
    if (this.version - this.snapshotVersion < this.deps.limits.snapshotEvery) return undefined;
    this.snapshotVersion = this.version;
    return { version: this.version, state: this.doc.snapshot() };
  }
}

/**
 * The delta of one update as broadcast and kept in the history, made with all its fields at once:
 * a field added afterwards would not fit the object and cost it a separate property store, for as
 * long as the history keeps it.
 */
function deltaEntry(delta: Delta, fromVersion: number, crc: number, updateId: string | undefined): GameStateDelta {
  const version = fromVersion + 1;
  return updateId === undefined ? { delta, version, fromVersion, crc } : { delta, version, fromVersion, crc, updateId };
}
