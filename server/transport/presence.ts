import type { Server } from 'socket.io';
import { PRESENCE_EVENT, type PresenceEvent, type PresenceMember } from '../../shared/presence';
import type { Logger } from '../logger';
import { roomOf } from './session-handlers';
import type { SessionRegistry } from '../sessions/session-registry';
import type { SocketUser } from './socket-auth';

const SESSION_ROOM_PREFIX = roomOf('');

/**
 * Tells each session who is at the table. It watches the adapter's room joins and leaves (a
 * disconnect leaves every room), so the session handlers need not know presence exists; the
 * joiner is in the room by then, so it gets the list too. A user with two tabs counts once.
 */
export function trackPresence(io: Server, registry: SessionRegistry, logger: Logger): void {
  const namespace = io.of('/');
  const due = new Set<string>();

  const changed = (room: string) => {
    if (!room.startsWith(SESSION_ROOM_PREFIX) || due.has(room)) return;
    // a burst of joins and leaves in one tick (a reconnect, a server stop) makes one broadcast
    due.add(room);
    setImmediate(() => {
      due.delete(room);
      broadcast(room).catch((error: unknown) => logger.warn({ err: error, room }, 'could not send presence'));
    });
  };

  const broadcast = async (room: string) => {
    const sessionId = room.slice(SESSION_ROOM_PREFIX.length);
    const users = new Map<string, SocketUser>();
    for (const socketId of namespace.adapter.rooms.get(room) ?? []) {
      const user = namespace.sockets.get(socketId)?.data.user as SocketUser | undefined;
      if (user) users.set(user.id, user);
    }
    if (users.size === 0) return;
    const session = await registry.get(sessionId);
    const members: PresenceMember[] = [...users.values()].map((user) => ({ id: user.id, name: user.name, role: session.roleOf(user.id) }));
    io.to(room).emit(PRESENCE_EVENT, { sessionId, members } satisfies PresenceEvent);
  };

  namespace.adapter.on('join-room', changed);
  namespace.adapter.on('leave-room', changed);
}
