import { TableServerEvent } from '../../shared/layers-protocol';
import type { GameStateDelta } from '../../shared/protocol';
import type { Logger } from '../logger';
import type { GameSession } from '../sessions/game-session';
import type { SessionChannel, TableChange } from '../sessions/session-channel';
import type { SessionKeeper } from '../sessions/session-registry';
import type { AppliedUpdate, SessionStore } from '../storage/session-store';
import type { TableStores } from '../storage/table-stores';
import type { ControlFollowing } from '../transport/control-follow';
import { followLayers, followPdf, followPdfRemoval, followStoredTable, followView } from './follow-table';
import type { RedisFeed } from './redis-feed';
import type { SharedMembers } from './shared-members';
import type { SharedStaffClock } from './shared-staff-clock';

/** What the follower reaches of this node, once the server is wired. */
export interface FollowedNode {
  held(sessionId: string): GameSession | undefined;
  heldSessions(): GameSession[];
  /** This node's members of a session only. */
  channel: SessionChannel;
  refreshPresence(sessionId: string): void;
  /** Roles and the game master document stored by another node. */
  control: ControlFollowing;
  /** Where the layers, PDFs and view another node stored are read again after messages were lost. */
  tables: TableStores;
}

/**
 * How often a node compares the log's head of every table it holds with its own version: a
 * message lost on its way (Redis took the publish, this node never got it) is caught up within
 * two periods while the table is idle, not only at its next change. One query per node per period.
 */
export const HEAD_CHECK_MS = 2000;

/**
 * Keeps the tables this node holds in step with what the other nodes commit: subscribed to a
 * table's channel while it is in memory, it applies each change in the session's turn and tells
 * this node's members. A delta that does not continue the session's version (a message lost
 * while Redis was away, or one overtaken by another node's) is read from the log instead.
 */
export class TableFollower implements SessionKeeper {
  private node: FollowedNode | undefined;
  private headCheck: ReturnType<typeof setInterval> | undefined;
  private checking = false;
  /** Tables found behind their log at the last check, with the version they held then. */
  private behind = new Map<string, number>();

  constructor(
    private readonly feed: RedisFeed,
    private readonly members: SharedMembers,
    private readonly staffClock: SharedStaffClock,
    private readonly store: SessionStore,
    private readonly logger: Logger,
  ) {}

  start(node: FollowedNode, headCheckMs = HEAD_CHECK_MS): void {
    this.node = node;
    this.headCheck = setInterval(() => void this.checkHeads(), headCheckMs);
    // a node that is stopping does not wait for the next check
    this.headCheck.unref();
  }

  stop(): void {
    clearInterval(this.headCheck);
  }

  /** Catches up every held table whose log went further than this node without a message (one was lost). */
  private async checkHeads(): Promise<void> {
    const sessions = this.node?.heldSessions() ?? [];
    // one check at a time: a slow database does not pile them up
    if (this.checking || sessions.length === 0) return;
    this.checking = true;
    try {
      const heads = await this.store.headVersions(sessions.map((session) => session.id));
      const behind = new Map<string, number>();
      for (const session of sessions) {
        // unsettled: its own commits are in flight, and a lost race reads the log anyway
        if ((heads.get(session.id) ?? 0) <= session.currentVersion || !session.settled) continue;
        // behind twice at the same version: no message is on its way (a busy table's usually is)
        if (this.behind.get(session.id) === session.currentVersion) void this.catchUp(session);
        else behind.set(session.id, session.currentVersion);
      }
      this.behind = behind;
    } catch (error) {
      this.logger.warn({ err: error }, 'fan-out: could not read the heads of the tables held; the next check tries again');
    } finally {
      this.checking = false;
    }
  }

  async hold(session: GameSession): Promise<void> {
    await this.feed.subscribe(session.id);
    const members = await this.members.of(session.id).catch(() => []);
    for (const userId of members) session.admit(userId);
    await this.staffClock.loaded(session.id, session.table.staffSeenAt).catch(() => undefined);
    // what was committed between loading it and subscribing came by no message
    await this.catchUp(session);
  }

  release(sessionId: string): void {
    this.feed.unsubscribe(sessionId);
  }

  /**
   * After Redis was away: every table held reads again what was stored meanwhile (its log, layers,
   * PDFs, view and roles), tells the others who is here, and asks the other nodes holding it to
   * read it again too: what this node stored while cut from Redis reached none of them.
   */
  back(): void {
    for (const session of this.node?.heldSessions() ?? []) {
      this.reread(session);
      this.node?.refreshPresence(session.id);
      this.feed.publish(session.id, { kind: 'reread' });
    }
  }

  /** Takes what was stored of the table while messages were lost: the log, the layers, PDFs and view, the roles. */
  private reread(session: GameSession): void {
    const node = this.node;
    if (!node) return;
    void this.catchUp(session);
    this.inTurn(session, () => followStoredTable(session, node.tables, node.channel));
    this.inTurn(session, () => node.control.rolesChanged(session));
  }

  received(sessionId: string, change: TableChange): void {
    const session = this.node?.held(sessionId);
    if (!session || !this.node) return;
    const { channel } = this.node;
    switch (change.kind) {
      case 'delta':
        return this.inTurn(session, () => this.followDelta(session, change.entry, change.applied));
      case 'applied':
        return session.followApplied(change.applied);
      case 'layers':
        return this.inTurn(session, () => followLayers(session, change.page, channel));
      case 'pdf':
        return this.inTurn(session, () => followPdf(session, change.record, channel));
      case 'pdf-removed':
        return this.inTurn(session, () => followPdfRemoval(session, change.pdfId, channel));
      case 'view':
        return this.inTurn(session, () => followView(session, change.view, channel));
      case 'live':
        return channel.broadcast(sessionId, TableServerEvent.realTimeUpdate, Buffer.from(change.payload));
      case 'presence':
        return this.node.refreshPresence(sessionId);
      case 'member':
        return session.admit(change.userId);
      case 'roles':
        return this.inTurn(session, () => this.node?.control.rolesChanged(session));
      case 'gm-changes':
        return this.inTurn(session, () => this.node?.control.gmChanged(session, change));
      case 'reread':
        return this.reread(session);
    }
  }

  private inTurn(session: GameSession, task: () => void | Promise<void>): void {
    session.exclusive(task).catch((error: unknown) => this.logger.error({ err: error, sessionId: session.id }, 'fan-out: could not follow a change'));
  }

  private followDelta(session: GameSession, entry: GameStateDelta, applied?: AppliedUpdate): void {
    // held already; or this node applied its own version of it, whose append loses and rolls back to the log
    if (entry.version <= session.currentVersion) return;
    if (session.settled && session.followCommitted(entry, applied)) return;
    // once this node's own commits are through (or rolled back), the log says what it missed
    void session.drain().then(() => this.catchUp(session));
  }

  /** Reads the log after the session's version and takes it, as deltas when it continues the session, else whole. */
  private async catchUp(session: GameSession): Promise<void> {
    try {
      const stored = await this.store.loadSession(session.id);
      await session.exclusive(() => {
        const last = stored?.log.at(-1)?.version ?? stored?.snapshot.version ?? 0;
        // unsettled: a rollback to the log is under way; behind: this node committed more since the read
        if (!stored || !session.settled || last <= session.currentVersion) return;
        const missed = stored.log.filter((entry) => entry.version > session.currentVersion);
        const continued = missed.length > 0 && missed.every((entry) => session.followCommitted(entry));
        if (!continued) session.reload(stored);
        for (const applied of stored.applied) session.followApplied(applied);
      });
    } catch (error) {
      this.logger.warn({ err: error, sessionId: session.id }, 'fan-out: could not catch a table up from the log; the next change tries again');
    }
  }
}
