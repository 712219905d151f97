import { newTableId } from '../auth/table-access';
import { canonicalPart } from '../../shared/canonical-crc';
import { ProtocolError } from '../../shared/errors';
import type { JsonObject } from '../../shared/json';
import { GameSession, type GameSessionDeps } from './game-session';
import { LogReplayError } from './log-replay';
import type { TableLoader } from './session-table';
import type { StoredSession } from '../storage/session-store';

interface Entry {
  loading: Promise<GameSession>;
  /** Set once loaded: only loaded sessions can leave memory. */
  session?: GameSession;
  /** Sockets joined to the session. */
  members: number;
  lastUsedAt: number;
}

/** What else happens when this node takes a session into memory and lets it go (following it in a cluster). */
export interface SessionKeeper {
  /** Awaited before anyone gets the session. */
  hold(session: GameSession): Promise<void>;
  release(sessionId: string): void;
}

/** A single node: nothing to follow. */
export const localKeeper: SessionKeeper = { hold: () => Promise.resolve(), release: () => undefined };

/**
 * The sessions this server holds in memory: creates them, loads each once from the store when
 * asked, counts who is joined, and lets idle ones go (they are loaded again on the next join).
 */
export class SessionRegistry {
  private readonly entries = new Map<string, Entry>();
  private stopped = false;

  constructor(
    private readonly deps: GameSessionDeps,
    private readonly tables: TableLoader,
    private readonly now: () => number = Date.now,
    private readonly keeper: SessionKeeper = localKeeper,
  ) {}

  /** False once the server is stopping: no session is loaded or created, no update taken. */
  get accepting(): boolean {
    return !this.stopped;
  }

  /** A new table of `hostId`; `state`, when given, is its game state from the start (an imported table). */
  async create(hostId: string, state: JsonObject = {}): Promise<GameSession> {
    this.requireAccepting();
    const { maxStateBytes } = this.deps.limits;
    if (canonicalPart(state).bytes > maxStateBytes) throw new ProtocolError('too-large', `the session state may hold at most ${maxStateBytes} bytes of JSON`);
    const id = newTableId();
    const session = await this.createWithId(id, hostId, state);
    await this.keeper.hold(session);
    this.entries.set(id, { loading: Promise.resolve(session), session, members: 0, lastUsedAt: this.now() });
    return session;
  }

  /**
   * The session `id` (a voice channel's), created with `hostId` as its host if it does not exist
   * yet. One load-or-create per id at a time: two callers racing get the same session.
   */
  ensure(id: string, hostId: string): Promise<GameSession> {
    let entry = this.entries.get(id);
    if (!entry) {
      this.requireAccepting();
      entry = this.startLoading(id, hostId);
    }
    entry.lastUsedAt = this.now();
    return entry.loading;
  }

  get(id: string): Promise<GameSession> {
    let entry = this.entries.get(id);
    if (!entry) {
      this.requireAccepting();
      entry = this.startLoading(id);
    }
    entry.lastUsedAt = this.now();
    return entry.loading;
  }

  /** A socket has joined the session (it must be loaded). */
  enter(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) throw new Error(`session ${id} is not loaded`);
    entry.members++;
    entry.lastUsedAt = this.now();
  }

  /** A socket has left the session, or disconnected. */
  leave(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    entry.members = Math.max(0, entry.members - 1);
    entry.lastUsedAt = this.now();
  }

  /**
   * Lets go of the sessions nobody is joined to, with no work queued, unused for `idleMs`.
   * Synchronous on purpose: no event can join or queue work between the check and the removal,
   * and everything they committed is in the store already.
   */
  evictIdle(idleMs: number): string[] {
    const evicted: string[] = [];
    const cutoff = this.now() - idleMs;
    for (const [id, entry] of this.entries) {
      if (!entry.session || entry.members > 0 || !entry.session.idle || entry.lastUsedAt > cutoff) continue;
      this.entries.delete(id);
      this.keeper.release(id);
      evicted.push(id);
    }
    return evicted;
  }

  /** The session if it is loaded on this node now; never loads one. */
  held(id: string): GameSession | undefined {
    return this.entries.get(id)?.session;
  }

  /** The sessions loaded on this node now. */
  heldSessions(): GameSession[] {
    return [...this.entries.values()].flatMap((entry) => (entry.session ? [entry.session] : []));
  }

  /** Ids of the sessions in memory, loaded or loading. */
  loadedIds(): Set<string> {
    return new Set(this.entries.keys());
  }

  /** Stops loading and creating sessions and taking updates; what is queued still runs. */
  stop(): void {
    this.stopped = true;
  }

  /** Resolves when every loaded session has finished the work queued so far, and committed it. */
  async drain(): Promise<void> {
    const sessions = await Promise.allSettled([...this.entries.values()].map((entry) => entry.loading));
    await Promise.all(
      sessions.map((result) => (result.status === 'fulfilled' ? result.value.drain() : undefined)),
    );
  }

  private startLoading(id: string, hostIfMissing?: string): Entry {
    const entry: Entry = { loading: this.load(id, hostIfMissing), members: 0, lastUsedAt: this.now() };
    this.entries.set(id, entry);
    entry.loading.then(
      (session) => (entry.session = session),
      // the caller of get() gets the error; a later get() tries again
      () => this.entries.get(id) === entry && this.entries.delete(id),
    );
    return entry;
  }

  private async load(id: string, hostIfMissing?: string): Promise<GameSession> {
    const session = await this.loadOrCreate(id, hostIfMissing);
    await this.keeper.hold(session);
    return session;
  }

  private async loadOrCreate(id: string, hostIfMissing?: string): Promise<GameSession> {
    const stored = await this.deps.store.loadSession(id);
    if (stored) return this.fromStore(stored, id);
    if (hostIfMissing === undefined) throw new ProtocolError('unknown-session', `there is no session ${id}`);
    return this.createWithId(id, hostIfMissing);
  }

  /**
   * A table whose log cannot be replayed from its base snapshot is loaded from its newest
   * snapshot instead, which holds every update up to it exactly; the log line says so (B12).
   */
  private async fromStore(stored: StoredSession, id: string): Promise<GameSession> {
    const table = await this.tables.load(id, stored.meta.hostId);
    try {
      return new GameSession(stored, this.deps, table);
    } catch (error) {
      if (!(error instanceof LogReplayError)) throw error;
      const newest = await this.deps.store.loadSession(id, 'newest');
      this.deps.logger.error({ err: error, sessionId: id, from: newest?.snapshot.version }, 'table log cannot be replayed: loaded from its newest snapshot');
      if (!newest || newest.snapshot.version === stored.snapshot.version) {
        throw new ProtocolError('internal', 'this table cannot be loaded: its stored history is damaged');
      }
      return new GameSession(newest, this.deps, table);
    }
  }

  private async createWithId(id: string, hostId: string, state: JsonObject = {}): Promise<GameSession> {
    const meta = { id, hostId, createdAt: this.now() };
    await this.deps.store.createSession(meta);
    const snapshot = { version: 0, state };
    // the state a table starts from is its first snapshot: one write, whatever its size
    if (Object.keys(state).length > 0) await this.deps.store.saveSnapshot(id, snapshot, 0, 0);
    return new GameSession({ meta, snapshot, log: [], applied: [] }, this.deps, this.tables.empty(id, hostId));
  }

  private requireAccepting(): void {
    if (this.stopped) throw new ProtocolError('internal', 'the server is stopping: try again once it is back');
  }
}
