import { create } from 'zustand';
import type { JsonValue } from '../../../shared/json';
import { applyGmChanges, type GmChange, type GmDocumentChanged } from '../../../shared/gm-changes';
import { RoleClientEvent, type GmDocument, type TableRoles } from '../../../shared/roles-protocol';
import type { TableConnection } from '../sync/connection';
import { TableError } from '../sync/table-error';

/** What the table store lends the game master store while a table is open. */
export interface GmHost {
  connection: TableConnection;
  /** Tells the player something (refusals, removal). */
  say(text: string): void;
  /** This player was removed from the table: back to the lobby (the store then says why). */
  removed(): void;
}

export interface GmData {
  roles: TableRoles | null;
  /** The game masters' private document: only ever sent to game masters. */
  gm: GmDocument | null;
}

export interface GmActions {
  attach(host: GmHost): void;
  detach(): void;
  setRole(userId: string, role: 'game-master' | 'player'): Promise<void>;
  transferHost(userId: string): Promise<void>;
  removeMember(userId: string): Promise<void>;
  claimTable(): Promise<void>;
  /** Changes notes or marks of the game masters' document (only what changed is sent); the server's revision comes back to everyone. */
  changeGm(...changes: GmChange[]): Promise<void>;
  /** Replaces a shared key only game masters write (the turn order, the hidden pages). */
  setShared(key: string, value: JsonValue): void;
}

export type GmStore = GmData & GmActions;

type RoleEvent = (typeof RoleClientEvent)[keyof typeof RoleClientEvent];

/** Roles and game master tools of the open table (docs/activity.md, "At the table"). */
export const useGm = create<GmStore>()((set, get) => {
  let host: GmHost | null = null;
  let stop: (() => void) | null = null;

  const ask = async (event: RoleEvent, payload: object): Promise<boolean> => {
    if (!host) return false;
    try {
      await host.connection.roleRequest(event, payload);
      return true;
    } catch (error) {
      host.say(error instanceof Error ? error.message : 'the server refused it');
      return false;
    }
  };

  /**
   * The changes of the revision after ours are applied; any other (one missed while this player
   * became a game master on another node, say) sends for the document whole.
   */
  const changed = ({ revision, changes }: GmDocumentChanged) => {
    const gm = get().gm;
    if (gm && revision === gm.revision + 1) set({ gm: { revision, ...applyGmChanges(gm, changes) } });
    else if (!gm || revision > gm.revision) void refetch();
  };

  const refetch = async () => {
    const lent = host;
    try {
      const { document } = (await lent?.connection.roleRequest<{ document: GmDocument }>(RoleClientEvent.getGmDocument, {})) ?? {};
      if (document && host === lent && document.revision >= (get().gm?.revision ?? -1)) set({ gm: document });
    } catch (error) {
      if (!(error instanceof TableError && error.code === 'forbidden')) lent?.say('The game master notes could not be brought up to date: reload the table.');
    }
  };

  return {
    roles: null,
    gm: null,

    attach(lent) {
      get().detach();
      host = lent;
      stop = lent.connection.onRoles({
        roles: (roles) => set({ roles }),
        gm: (gm) => set({ gm }),
        gmChanged: changed,
        removed: () => {
          lent.removed();
          lent.say('You were removed from this table.');
        },
      });
    },

    detach() {
      stop?.();
      stop = null;
      host = null;
      set({ roles: null, gm: null });
    },

    async setRole(userId, role) {
      await ask(RoleClientEvent.setRole, { userId, role });
    },

    async transferHost(userId) {
      await ask(RoleClientEvent.transferHost, { userId });
    },

    async removeMember(userId) {
      await ask(RoleClientEvent.removeMember, { userId });
    },

    async claimTable() {
      if (await ask(RoleClientEvent.claimTable, {})) host?.say('You now run this table.');
    },

    async changeGm(...changes) {
      await ask(RoleClientEvent.changeGmDocument, { changes });
    },

    setShared(key, value) {
      host?.connection.client.update({ [key]: value });
    },
  };
});
