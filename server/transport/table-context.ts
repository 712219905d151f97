import type { Socket } from 'socket.io';
import { ProtocolError } from '../../shared/errors';
import type { Logger } from '../logger';
import type { LayerLimits } from '../table/page-layers';
import type { SessionChannel } from '../sessions/session-channel';
import type { SessionRegistry } from '../sessions/session-registry';
import type { TableStores } from '../storage/table-stores';

/** What the table's socket handlers (layers, live updates, pages) need of the server. */
export interface TableContext {
  registry: SessionRegistry;
  channel: SessionChannel;
  /** Layers are stored before they are acknowledged; views are stored behind. */
  stores: TableStores;
  logger: Logger;
  layers: LayerLimits;
  /** update-layers shares the budget figures of update-game-state, in a bucket of its own. */
  rates: { updatesPerSecond: number; updatesBurst: number };
  live: { maxBytes: number; perSecond: number; burst: number };
}

/** The session the socket has joined (join-session records it); throws `not-in-session` before. */
export function joinedSessionId(socket: Socket): string {
  const sessionId: unknown = socket.data.sessionId;
  if (typeof sessionId !== 'string') throw new ProtocolError('not-in-session', 'join a session first');
  return sessionId;
}
