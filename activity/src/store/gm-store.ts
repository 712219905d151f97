import { create } from 'zustand';
import type { JsonValue } from '../../../shared/json';
import { EMPTY_GM_DOCUMENT, RoleClientEvent, type GmContent, type GmDocument, type TableRoles } from '../../../shared/roles-protocol';
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
  /** Rewrites the game masters' document from its latest revision; one edit at a time. */
  editGm(change: (content: GmContent) => GmContent): Promise<void>;
  /** Replaces a shared key only game masters write (the turn order, the hidden pages). */
  setShared(key: string, value: JsonValue): void;
}

export type GmStore = GmData & GmActions;

type RoleEvent = (typeof RoleClientEvent)[keyof typeof RoleClientEvent];

/** Roles and game master tools of the open table (docs/activity.md, "At the table"). */
export const useGm = create<GmStore>()((set, get) => {
  let host: GmHost | null = null;
  let stop: (() => void) | null = null;
  let edits: Promise<void> = Promise.resolve();

  const ask = async (event: RoleEvent, payload: object): Promise<boolean> => {
    if (!host) return false;
    try {
      await host.connection.roleRequest(event, payload);
      return true;
    } catch (error) {
      if (error instanceof TableError && error.code === 'version-conflict') throw error;
      host.say(error instanceof Error ? error.message : 'the server refused it');
      return false;
    }
  };

  /** The document as the server last sent it changed by `change`; a conflict (another game master first) is redone on the newer one. */
  const sendEdit = async (change: (content: GmContent) => GmContent, tries = 3): Promise<void> => {
    const current = get().gm ?? EMPTY_GM_DOCUMENT;
    const { notes, marks } = change({ notes: current.notes, marks: current.marks });
    try {
      await ask(RoleClientEvent.updateGmDocument, { revision: current.revision, notes, marks });
    } catch {
      // the newer revision came before the refusal, on the same socket
      if (tries > 1) await sendEdit(change, tries - 1);
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

    editGm(change) {
      edits = edits.then(() => sendEdit(change));
      return edits;
    },

    setShared(key, value) {
      host?.connection.client.update({ [key]: value });
    },
  };
});
