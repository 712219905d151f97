import type { Server } from 'socket.io';
import { PRESENCE_EVENT, type PresenceEvent, type PresenceMember } from '../../shared/presence';
import type { Logger } from '../logger';
import { roomOf } from './rooms';
import type { SessionChannel } from '../sessions/session-channel';
import type { SessionRegistry } from '../sessions/session-registry';
import type { SocketUser } from './socket-auth';

const SESSION_ROOM_PREFIX = roomOf('');

/** A user at a table, as every node may know them. */
export type PresentUser = Pick<SocketUser, 'id' | 'name'>;

/** Who is at each table on every node: a cluster shares each node's users of a table. */
export interface PresenceDirectory {
  /** Records this node's users of the session (`here`) and returns everyone at it, on every node. */
  gather(sessionId: string, here: PresentUser[]): Promise<PresentUser[]>;
}

/** A single node: who is here is everyone. */
export const localPresence: PresenceDirectory = { gather: (_sessionId, here) => Promise.resolve(here) };

export interface PresenceTracking {
  /** Another node's users of the session changed: this node's members get the list again. */
  refresh(sessionId: string): void;
}

/**
 * Tells each session who is at the table. It watches the adapter's room joins and leaves (a
 * disconnect leaves every room), so the session handlers need not know presence exists; the
 * joiner is in the room by then, so it gets the list too. A user with two tabs counts once.
 * A change here is shared with the other nodes, which send their members the new list.
 */
export function trackPresence(
  io: Server,
  registry: SessionRegistry,
  logger: Logger,
  cluster: { directory: PresenceDirectory; channel: SessionChannel },
): PresenceTracking {
  const namespace = io.of('/');
  const due = new Set<string>();

  const changed = (room: string) => {
    if (!room.startsWith(SESSION_ROOM_PREFIX) || due.has(room)) return;
    // a burst of joins and leaves in one tick (a reconnect, a server stop) makes one broadcast
    due.add(room);
    setImmediate(() => {
      due.delete(room);
      void send(room.slice(SESSION_ROOM_PREFIX.length), true);
    });
  };

  const send = (sessionId: string, share: boolean) =>
    broadcast(sessionId, share).catch((error: unknown) => logger.warn({ err: error, sessionId }, 'could not send presence'));

  const broadcast = async (sessionId: string, share: boolean) => {
    const room = roomOf(sessionId);
    const here = new Map<string, PresentUser>();
    for (const socketId of namespace.adapter.rooms.get(room) ?? []) {
      const user = namespace.sockets.get(socketId)?.data.user as SocketUser | undefined;
      if (user) here.set(user.id, { id: user.id, name: user.name });
    }
    const everyone = await cluster.directory.gather(sessionId, [...here.values()]);
    if (share) cluster.channel.share(sessionId, { kind: 'presence' });
    if (here.size === 0) return;
    const users = new Map(everyone.map((user) => [user.id, user]));
    const session = await registry.get(sessionId);
    const members: PresenceMember[] = [...users.values()].map((user) => ({ id: user.id, name: user.name, role: session.roleOf(user.id) }));
    io.to(room).emit(PRESENCE_EVENT, { sessionId, members } satisfies PresenceEvent);
  };

  namespace.adapter.on('join-room', changed);
  namespace.adapter.on('leave-room', changed);
  return { refresh: (sessionId) => void send(sessionId, false) };
}
