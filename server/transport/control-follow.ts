import type { Server } from 'socket.io';
import { applyGmChanges, type GmDocumentChanged } from '../../shared/gm-changes';
import { RoleServerEvent } from '../../shared/roles-protocol';
import type { GameSession } from '../sessions/game-session';
import type { TableLoader } from '../sessions/session-table';
import { gmRoomOf } from './rooms';
import { refreshControl, seatEveryone } from './table-seat';

/** What this node does with the roles and game master document another node stored. Runs in the session's turn. */
export interface ControlFollowing {
  /** Roles were stored elsewhere: this node's sockets are seated by the roles as stored now. */
  rolesChanged(session: GameSession): Promise<void>;
  /**
   * A document revision stored elsewhere reaches this node's game masters as its changes, as the
   * local room gets them; a node that missed a revision reads the document as stored and sends it whole.
   */
  gmChanged(session: GameSession, changed: GmDocumentChanged): Promise<void>;
}

export function followControl(io: Server, tables: TableLoader): ControlFollowing {
  const toGameMasters = (session: GameSession) => io.to(gmRoomOf(session.id)).emit(RoleServerEvent.gmDocument, session.table.gm);
  /** Roles and document as stored now; sockets seated first, so a member no longer a game master is out of their room before a document goes there. */
  const reseat = async (session: GameSession) => {
    const before = session.table.gm.revision;
    // read, not taken from the message: changes made on two nodes may arrive in either order
    await refreshControl(session, tables);
    await seatEveryone(io, session, session.table.roles);
    if (session.table.gm.revision !== before) toGameMasters(session);
  };
  return {
    rolesChanged: reseat,
    gmChanged: async (session, { revision, changes }) => {
      const { gm } = session.table;
      if (revision <= gm.revision) return;
      if (revision !== gm.revision + 1) return reseat(session);
      session.table.gm = { revision, ...applyGmChanges(gm, changes) };
      io.to(gmRoomOf(session.id)).emit(RoleServerEvent.gmDocumentChanged, { revision, changes } satisfies GmDocumentChanged);
    },
  };
}
