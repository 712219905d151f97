import { randomBytes } from 'node:crypto';
import { ProtocolError } from '../shared/errors';
import { GameSession, type GameSessionDeps } from './game-session';
import type { TableLoader } from './session-table';

/** The sessions this server holds: creates them, and loads each once from the store when asked. */
export class SessionRegistry {
  private readonly loaded = new Map<string, Promise<GameSession>>();

  constructor(
    private readonly deps: GameSessionDeps,
    private readonly tables: TableLoader,
  ) {}

  async create(hostId: string): Promise<GameSession> {
    // 128 random bits: a standalone session's id is its invitation, so it must not be guessable
    const id = randomBytes(16).toString('base64url');
    const meta = { id, hostId, createdAt: Date.now() };
    await this.deps.store.createSession(meta);
    const session = new GameSession({ meta, snapshot: { version: 0, state: {} }, log: [] }, this.deps, this.tables.empty(id));
    this.loaded.set(id, Promise.resolve(session));
    return session;
  }

  get(id: string): Promise<GameSession> {
    let session = this.loaded.get(id);
    if (!session) {
      session = this.load(id);
      this.loaded.set(id, session);
      session.catch(() => this.loaded.delete(id));
    }
    return session;
  }

  /** Resolves when every loaded session has finished the work queued so far. */
  async drain(): Promise<void> {
    const sessions = await Promise.allSettled(this.loaded.values());
    await Promise.all(
      sessions.map((result) => (result.status === 'fulfilled' ? result.value.exclusive(() => undefined) : undefined)),
    );
  }

  private async load(id: string): Promise<GameSession> {
    const stored = await this.deps.store.loadSession(id, this.deps.limits.historyMaxEntries);
    if (!stored) throw new ProtocolError('unknown-session', `there is no session ${id}`);
    return new GameSession(stored, this.deps, await this.tables.load(id));
  }
}
