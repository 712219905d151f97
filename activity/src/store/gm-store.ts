import { create } from 'zustand';
import type { JsonValue } from '../../../shared/json';
import { applyGmChanges, type GmChange, type GmDocumentChanged, type PutNote } from '../../../shared/gm-changes';
import { RoleClientEvent, type GmDocument, type TableRoles } from '../../../shared/roles-protocol';
import { rebasedDrafts, settledDraft, typedDraft, type NoteDrafts } from '../model/gm-note-drafts';
import type { TableConnection } from '../sync/connection';
import { TableError } from '../sync/table-error';
import { newId } from '../model/collection';

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
  /** Per note, typing not merged by the server yet: what its editor shows (see model/gm-note-drafts.ts). */
  drafts: NoteDrafts;
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
  /** The user typed in a GM note: shown at once, sent shortly after with the text it was typed from, merged with others' typing. */
  typeGmNote(id: string, text: string): void;
  /** Sends a GM note's typing now (the editor lost focus). */
  flushGmNote(id: string): void;
  /** Replaces a shared key only game masters write (the turn order, the hidden pages). */
  setShared(key: string, value: JsonValue): void;
}

export type GmStore = GmData & GmActions;

type RoleEvent = (typeof RoleClientEvent)[keyof typeof RoleClientEvent];

/** Typing in a GM note goes to the server at most this often: one put carries what was typed meanwhile. */
const NOTE_SEND_MS = 250;

/** A put whose answer did not come in time is sent again this long after (the socket may be reconnecting). */
const RESEND_MS = 1000;

/** Roles and game master tools of the open table (docs/activity.md, "At the table"). */
export const useGm = create<GmStore>()((set, get) => {
  let host: GmHost | null = null;
  let stop: (() => void) | null = null;
  /** Notes whose put is on its way: the text sent and, once acknowledged, the revision that stored it. */
  const sending = new Map<string, { sent: string; revision?: number }>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const resends = new Map<string, ReturnType<typeof setTimeout>>();

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
    if (gm && revision === gm.revision + 1) setDocument({ revision, ...applyGmChanges(gm, changes) });
    else if (!gm || revision > gm.revision) void refetch();
  };

  /** A newer document: open drafts take the other game masters' typing, answered puts settle. */
  const setDocument = (gm: GmDocument) => {
    set({ gm, drafts: rebasedDrafts(get().drafts, gm.notes, new Set(sending.keys())) });
    for (const [id, { sent, revision }] of sending) {
      // the put's revision is here: the stored text holds what was sent
      if (revision !== undefined && revision <= gm.revision) settle(id, sent, true);
    }
  };

  const settle = (id: string, sent: string, accepted: boolean) => {
    sending.delete(id);
    clearTimeout(resends.get(id));
    resends.delete(id);
    set({ drafts: settledDraft(get().drafts, get().gm?.notes ?? [], id, sent, accepted) });
    // refused: sent again on the next keystroke or when the editor loses focus, not in a loop
    if (accepted && get().drafts[id]) schedule(id);
  };

  const schedule = (id: string) => {
    if (!timers.has(id)) timers.set(id, setTimeout(() => flush(id), NOTE_SEND_MS));
  };

  const flush = (id: string) => {
    clearTimeout(timers.get(id));
    timers.delete(id);
    const draft = get().drafts[id];
    // one put of a note at a time: the next one is typed from what this one stored
    if (!draft || sending.has(id) || !host) return;
    sending.set(id, { sent: draft.text });
    send({ op: 'put-note', note: { id, text: draft.text }, base: draft.base, putId: newId('put') });
  };

  /**
   * Sends a note's put. One whose answer never came may have been stored: it is sent again as it
   * was, and the server, which knows it by its id, stores it once (R15); a refusal settles it.
   */
  const send = (put: PutNote) => {
    const { id, text: sent } = put.note;
    const current = () => sending.get(id)?.sent === sent;
    host?.connection
      .roleRequest<{ revision: number }>(RoleClientEvent.changeGmDocument, { changes: [put] })
      .then(({ revision }) => {
        if (!current()) return;
        sending.set(id, { sent, revision });
        // its gm-document-changed came first on this socket; after a missed one, the document whole brings it
        if (revision <= (get().gm?.revision ?? -1)) settle(id, sent, true);
        else void refetch();
      })
      .catch((error: unknown) => {
        if (!current()) return;
        if (error instanceof TableError && error.code === 'timeout') {
          resends.set(id, setTimeout(() => current() && send(put), RESEND_MS));
          return;
        }
        settle(id, sent, false);
        host?.say(error instanceof Error ? error.message : 'the server refused it');
      });
  };

  const refetch = async () => {
    const lent = host;
    try {
      const { document } = (await lent?.connection.roleRequest<{ document: GmDocument }>(RoleClientEvent.getGmDocument, {})) ?? {};
      if (document && host === lent && document.revision >= (get().gm?.revision ?? -1)) setDocument(document);
    } catch (error) {
      if (!(error instanceof TableError && error.code === 'forbidden')) lent?.say('The game master notes could not be brought up to date: reload the table.');
    }
  };

  return {
    roles: null,
    gm: null,
    drafts: {},

    attach(lent) {
      get().detach();
      host = lent;
      stop = lent.connection.onRoles({
        roles: (roles) => set({ roles }),
        gm: setDocument,
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
      for (const timer of [...timers.values(), ...resends.values()]) clearTimeout(timer);
      timers.clear();
      resends.clear();
      sending.clear();
      set({ roles: null, gm: null, drafts: {} });
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

    typeGmNote(id, text) {
      const stored = get().gm?.notes.find((note) => note.id === id);
      if (!stored) return;
      set({ drafts: typedDraft(get().drafts, id, stored.text, text) });
      if (get().drafts[id]) schedule(id);
    },

    flushGmNote(id) {
      flush(id);
    },

    setShared(key, value) {
      host?.connection.client.update({ [key]: value });
    },
  };
});
