import { Socket, type Server } from 'socket.io';
import { ProtocolError } from '../../shared/errors';
import { RoleServerEvent, type RemovedFromTable, type TableRoles } from '../../shared/roles-protocol';
import { isRemoved, isStaff } from '../sessions/role-rules';
import type { GameSession } from '../sessions/game-session';
import type { TableLoader } from '../sessions/session-table';
import type { StaffClock } from '../sessions/staff-clock';
import type { PresenceDirectory } from './presence';
import { gmRoomOf, roomOf } from './rooms';
import type { SocketUser } from './socket-auth';

/** Takes a socket off its table at once: it leaves the rooms and every later event is `not-in-session`. */
type Unseat = () => Promise<void>;

const unseats = new WeakMap<Socket, Unseat>();

/** The session handlers say how their socket leaves its table (they count its membership). */
export function onUnseat(socket: Socket, unseat: Unseat): void {
  unseats.set(socket, unseat);
}

/**
 * Before a socket joins: the roles as stored now (another node may have changed them), and a
 * removed member is refused. Runs in the session's turn.
 */
export async function checkSeat(session: GameSession, tables: TableLoader, userId: string): Promise<void> {
  await refreshControl(session, tables);
  if (isRemoved(session.table.roles, userId)) throw new ProtocolError('forbidden', 'you were removed from this table');
}

/** The session takes the roles and game master document as stored now. Runs in the session's turn. */
export async function refreshControl(session: GameSession, tables: TableLoader): Promise<void> {
  const control = await tables.loadControl(session.id, session.meta.hostId);
  session.table.roles = control.roles;
  session.table.gm = control.gm;
}

/** After a socket joined: the roles, and for a host or game master their room and document. */
export async function seatAtTable(socket: Socket, session: GameSession, userId: string, away: StaffClock): Promise<void> {
  const { roles, gm } = session.table;
  socket.emit(RoleServerEvent.roles, roles);
  if (!isStaff(roles, userId)) return;
  staffSeen(session, away);
  await socket.join(gmRoomOf(session.id));
  socket.emit(RoleServerEvent.gmDocument, gm);
}

/** A host's or game master's socket that leaves keeps the table from being claimed for a while. */
export function markStaffLeaving(session: GameSession, userId: string, away: StaffClock): void {
  if (isStaff(session.table.roles, userId)) staffSeen(session, away);
}

function staffSeen(session: GameSession, away: StaffClock): void {
  const now = Date.now();
  session.table.staffSeenAt = now;
  away.seen(session.id, now);
}

type TableSocket = Pick<Socket, 'join' | 'leave' | 'emit' | 'disconnect' | 'rooms'> & { data: { user?: SocketUser } };

/**
 * Makes every socket at the table on this node match `roles` (the other nodes do the same when
 * the change reaches them: control-follow.ts): a removed member's sockets leave, game masters are in
 * the game masters' room with their document, others are not; then everyone gets the roles.
 */
export async function seatEveryone(io: Server, session: GameSession, roles: TableRoles): Promise<void> {
  const sockets = (await io.in(roomOf(session.id)).fetchSockets()) as unknown as TableSocket[];
  for (const socket of sockets) {
    const userId = socket.data.user?.id;
    if (userId === undefined) continue;
    if (isRemoved(roles, userId)) await removeSocket(socket, session.id);
    else if (isStaff(roles, userId)) await enterGmRoom(socket, session);
    else await socket.leave(gmRoomOf(session.id));
  }
  io.to(roomOf(session.id)).emit(RoleServerEvent.roles, roles);
}

async function enterGmRoom(socket: TableSocket, session: GameSession): Promise<void> {
  const room = gmRoomOf(session.id);
  if (socket.rooms.has(room)) return;
  await socket.join(room);
  socket.emit(RoleServerEvent.gmDocument, session.table.gm);
}

async function removeSocket(socket: TableSocket, sessionId: string): Promise<void> {
  socket.emit(RoleServerEvent.removed, { sessionId } satisfies RemovedFromTable);
  const unseat = socket instanceof Socket ? unseats.get(socket) : undefined;
  if (unseat) await unseat();
  else socket.disconnect(true);
}

/** The ids of the users with a socket at the table now, on any node (the others' from the presence directory). */
export async function usersAtTable(io: Server, presence: PresenceDirectory, sessionId: string): Promise<Set<string>> {
  const sockets = (await io.in(roomOf(sessionId)).fetchSockets()) as unknown as TableSocket[];
  const here = sockets.flatMap((socket) => (socket.data.user ? [{ id: socket.data.user.id, name: socket.data.user.name }] : []));
  return new Set((await presence.gather(sessionId, here)).map((user) => user.id));
}
