import type { Server, Socket } from 'socket.io';
import { ProtocolError } from '../../shared/errors';
import { changeGmDocumentSchema, mergeGmChanges, type ChangeGmDocument, type GmDocumentChanged } from '../../shared/gm-changes';
import { claimTableSchema, getGmDocumentSchema, memberSchema, RoleClientEvent, RoleServerEvent, setRoleSchema, type GmDocument, type TableRoles } from '../../shared/roles-protocol';
import type { z } from 'zod';
import { RateLimiter } from '../limits/rate-limiter';
import type { Logger } from '../logger';
import { isStaff, withClaim, withHost, withRemoved, withRole } from '../sessions/role-rules';
import type { GameSession } from '../sessions/game-session';
import type { SessionRegistry } from '../sessions/session-registry';
import type { TableLoader } from '../sessions/session-table';
import type { SessionChannel } from '../sessions/session-channel';
import type { StaffClock } from '../sessions/staff-clock';
import type { PresenceDirectory } from './presence';
import { gmRoomOf } from './rooms';
import type { Register } from './session-handlers';
import type { SocketUser } from './socket-auth';
import { joinedSessionId } from './table-context';
import { isRevisionTaken } from '../storage/storage-error';
import { refreshControl, seatEveryone, usersAtTable } from './table-seat';

export interface RoleContext {
  io: Server;
  registry: SessionRegistry;
  /** Where the roles are read again before each change and written to. */
  tables: TableLoader;
  logger: Logger;
  /** Where a stored change goes to the other nodes holding the table. */
  channel: SessionChannel;
  /** Who is at the table on every node: a host is handed to someone there, staff present anywhere keep it. */
  presence: PresenceDirectory;
  /** When the host and game masters were last seen, on any node. */
  away: StaffClock;
  claimAfterMs: number;
  rates: { updatesPerSecond: number; updatesBurst: number };
}

/**
 * Who runs the table (set-role, transfer-host, remove-member, claim-table) and the game masters'
 * document (change-gm-document, get-gm-document). Each change is checked against the roles in the session's
 * turn, stored, and only then applied and sent (docs/security.md, "Roles").
 */
export function registerRoleHandlers(socket: Socket, user: SocketUser, context: RoleContext, on: Register): void {
  const limiter = new RateLimiter(context.rates.updatesPerSecond, context.rates.updatesBurst);
  const inTurn = async <T>(task: (session: GameSession) => Promise<T>): Promise<T> => {
    const sessionId = joinedSessionId(socket);
    if (!limiter.tryTake()) throw new ProtocolError('rate-limited', 'too many table changes: slow down');
    const session = await context.registry.get(sessionId);
    return session.exclusive(async () => {
      // as stored, not as this node last saw them: another node may have changed them
      await refreshControl(session, context.tables);
      return task(session);
    });
  };
  const changeRoles = (next: (session: GameSession) => TableRoles | Promise<TableRoles>) =>
    inTurn(async (session) => {
      await storeRoles(session, await next(session), context);
      return {};
    });

  on(RoleClientEvent.setRole, setRoleSchema, ({ userId, role }: z.output<typeof setRoleSchema>) =>
    changeRoles((session) => withRole(session.table.roles, user.id, userId, role)),
  );
  on(RoleClientEvent.transferHost, memberSchema, ({ userId }: z.output<typeof memberSchema>) =>
    changeRoles(async (session) => {
      const next = withHost(session.table.roles, user.id, userId);
      await requireAtTable(context, session, userId);
      return next;
    }),
  );
  on(RoleClientEvent.removeMember, memberSchema, ({ userId }: z.output<typeof memberSchema>) =>
    changeRoles((session) => withRemoved(session.table.roles, user.id, userId)),
  );
  on(RoleClientEvent.claimTable, claimTableSchema, () =>
    changeRoles(async (session) => {
      const present = [...(await usersAtTable(context.io, context.presence, session.id))].some((id) => isStaff(session.table.roles, id));
      if (present) session.table.staffSeenAt = Date.now();
      // another node may have seen them leave long before this one loaded the table
      const seenAt = present ? session.table.staffSeenAt : ((await context.away.lastSeen(session.id)) ?? session.table.staffSeenAt);
      const circumstances = { staffPresent: present, staffAwayMs: Date.now() - seenAt, claimAfterMs: context.claimAfterMs };
      return withClaim(session.table.roles, user.id, circumstances);
    }),
  );
  on(RoleClientEvent.changeGmDocument, changeGmDocumentSchema, ({ changes }: ChangeGmDocument) =>
    inTurn(async (session) => ({ revision: (await storeGmChanges(session, user.id, changes, context)).revision })),
  );
  on(RoleClientEvent.getGmDocument, getGmDocumentSchema, () =>
    inTurn(async (session) => {
      requireGameMaster(session, user.id);
      return { document: session.table.gm };
    }),
  );
}

/** A host is handed only to someone at the table now: a mistyped id would leave it with nobody. */
async function requireAtTable(context: RoleContext, session: GameSession, userId: string): Promise<void> {
  if (!(await usersAtTable(context.io, context.presence, session.id)).has(userId)) {
    throw new ProtocolError('forbidden', 'hand the table to someone who is at it now');
  }
}

async function storeRoles(session: GameSession, next: TableRoles, context: RoleContext): Promise<void> {
  if (next === session.table.roles) return;
  await stored(() => context.tables.stores.roles.saveRoles(session.id, next), context, session.id);
  session.table.roles = next;
  await seatEveryone(context.io, session, next);
  context.channel.share(session.id, { kind: 'roles' });
}

function requireGameMaster(session: GameSession, userId: string): void {
  if (!isStaff(session.table.roles, userId)) throw new ProtocolError('forbidden', 'only the host and game masters see and edit their notes');
}

/**
 * A game master's changes, applied to the document as stored now and made its next revision.
 * The game masters' room gets the changes only, not the document: an edit of one note sends that
 * note, with its text as merged (a put typed from a base keeps what others typed meanwhile).
 */
async function storeGmChanges(session: GameSession, userId: string, changes: GmDocumentChanged['changes'], context: RoleContext): Promise<GmDocument> {
  requireGameMaster(session, userId);
  const { document: next, applied } = await storedGmDocument(session, changes, context);
  session.table.gm = next;
  const changed: GmDocumentChanged = { revision: next.revision, changes: applied };
  context.io.to(gmRoomOf(session.id)).emit(RoleServerEvent.gmDocumentChanged, changed);
  context.channel.share(session.id, { kind: 'gm-changes', ...changed });
  return next;
}

/** Tries of one GM edit against other nodes storing the document at the same moment. */
const MAX_GM_RACES = 10;

/**
 * The document with `changes` made its next revision, as stored, and the changes as applied. When
 * another node stored that revision first, the changes (put or remove one note or mark by id, a
 * note's typing merged from its base) are applied again on what it stored.
 */
async function storedGmDocument(
  session: GameSession,
  changes: GmDocumentChanged['changes'],
  context: RoleContext,
): Promise<{ document: GmDocument; applied: GmDocumentChanged['changes'] }> {
  const { roles } = context.tables.stores;
  let current = session.table.gm;
  for (let attempt = 1; ; attempt++) {
    const { content, applied } = mergeGmChanges(current, changes);
    const next: GmDocument = { revision: current.revision + 1, ...content };
    try {
      await roles.saveGmDocument(session.id, next);
      return { document: next, applied };
    } catch (error) {
      if (!isRevisionTaken(error) || attempt === MAX_GM_RACES) return failedWrite(error, context, session.id);
      current = (await stored(() => roles.loadGmDocument(session.id), context, session.id)) ?? current;
    }
  }
}

async function stored<T>(write: () => Promise<T>, context: RoleContext, sessionId: string): Promise<T> {
  try {
    return await write();
  } catch (error) {
    return failedWrite(error, context, sessionId);
  }
}

function failedWrite(error: unknown, context: RoleContext, sessionId: string): never {
  context.logger.error({ err: error, sessionId }, 'could not store the table roles');
  throw new ProtocolError('internal', 'the change could not be stored; nothing was changed');
}
