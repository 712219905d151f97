import { create } from 'zustand';
import type { PresenceMember } from '../../../shared/presence';
import { itemUpdate, listUpdate, type ListUpdate } from '../model/lists';
import { forgetIdentity, guestSignIn, linkDevice, loadIdentity, renameIdentity, saveIdentity, type Identity } from '../platform/guest-identity';
import { inviteFromLocation, redeemInvite } from '../platform/join-invite';
import { fetchJoinLink, isFresh } from '../platform/join-link';
import { keepEdits, takeKeptEdits } from '../platform/kept-edits';
import { inviteProblemText, linkProblemText } from '../platform/link-problem';
import { rememberTable } from '../platform/recent-tables';
import { detectPlatform, sessionFromLocation, tablePath } from '../platform/platform';
import { TableConnection } from '../sync/connection';
import { useBook } from './book-store';
import { useDiscord } from './discord-store';
import { useGm } from './gm-store';
import { probeStateArrived } from './render-probe';
import { discordFailure, isRefusal, messageOf, TABLE_CLOSED } from './table-failures';
import { AT_NO_TABLE, type NoticeAction, type Stop, type Tab, type TableMember, type TableStore } from './table-types';

export type { Notice, NoticeAction, Phase, Stop, Tab, TableActions, TableData, TableMember, TableStore } from './table-types';

/** Where the layout is one column (styles/table.css): there the book comes first. */
const PHONE_QUERY = '(max-width: 860px)';
const startingTab = (): Tab => (typeof matchMedia === 'function' && matchMedia(PHONE_QUERY).matches ? 'book' : 'sheets');

export const useTable = create<TableStore>()((set, get) => {
  let connection: TableConnection | null = null;
  let detach: Array<() => void> = [];
  let noticeCount = 0;

  const say = (text: string, action?: NoticeAction) => set({ notice: { id: ++noticeCount, text, ...(action ? { action } : {}) } });

  const connect = (identity: Identity): TableConnection => {
    if (connection) return connection;
    const opened = new TableConnection(identity.token);
    const { client } = opened;
    const mirror = () => set({ game: client.state, pendingEdits: client.pendingEdits, status: client.status });
    detach = [
      client.on('state', () => {
        probeStateArrived();
        mirror();
      }),
      client.on('status', mirror),
      client.on('error', (error) => say(error.message)),
      // a refused layer edit (too large, too fast) would otherwise just vanish from the page
      opened.table.on('error', (error) => say(`The book: ${error.message}`)),
      opened.onPresence((event) => {
        if (event.sessionId === get().sessionId) set({ members: named(event.members) });
      }),
      opened.onRefused(() => {
        if (get().platform.kind === 'discord') return redoDiscordSignIn();
        get().signOut();
        say('The server no longer knows you: enter your name again.');
      }),
      opened.onTableClosed(tableClosed),
    ];
    connection = opened;
    return opened;
  };

  const disconnect = () => {
    useBook.getState().detach();
    useGm.getState().detach();
    for (const stop of detach) stop();
    detach = [];
    connection?.close();
    connection = null;
  };

  /** Inside Discord: the names and avatars its participants list shows, which the presence list uses. */
  let discordFaces: ReadonlyMap<string, { name: string; avatarUrl: string | null }> = new Map();
  const named = (members: PresenceMember[]): TableMember[] =>
    members.map(({ id, name, role }) => {
      const face = discordFaces.get(id);
      return face?.avatarUrl ? { id, role, name: face.name, avatarUrl: face.avatarUrl } : { id, role, name: face?.name ?? name };
    });

  const halt = (stop: Stop) => {
    disconnect();
    set({ ...AT_NO_TABLE, phase: 'stopped', stop, busy: false });
  };

  /** Inside Discord the activity ends with the table; a browser goes back to its lobby. */
  const tableClosed = () => {
    if (get().platform.kind === 'discord') {
      halt({ text: TABLE_CLOSED, retry: false });
      useDiscord.getState().close(TABLE_CLOSED);
      return;
    }
    get().leaveTable();
    say(TABLE_CLOSED);
  };

  /** Inside Discord the handshake is the identity, and the channel picks the table. */
  const discordEnter = async () => {
    set({ ...AT_NO_TABLE, phase: 'joining', busy: true, stop: null });
    try {
      const { identity, sessionId } = await useDiscord.getState().signIn((faces) => {
        discordFaces = faces;
        set({ members: named(get().members) });
      });
      set({ identity, busy: false });
      await joinTable(identity, sessionId);
      discordRetried = false;
    } catch (error) {
      if (isRefusal(error)) redoDiscordSignIn();
      else halt({ text: discordFailure(error), retry: true });
    }
  };

  /**
   * Our token was refused inside Discord: the guest name form cannot join a channel's table, so
   * the Discord handshake runs again, once; refused again, the player is asked to retry.
   */
  let discordRetried = false;
  const redoDiscordSignIn = () => {
    if (discordRetried) return halt({ text: 'Discord sign-in failed: the server keeps refusing it.', retry: true });
    discordRetried = true;
    disconnect();
    void discordEnter();
  };

  /** Joins `sessionId`, sending first the edits an earlier page of it kept; throws when refused. */
  const joinTable = async (identity: Identity, sessionId: string) => {
    set({ ...AT_NO_TABLE, phase: 'joining', sessionId });
    const opened = connect(identity);
    opened.client.restoreEdits(sessionId, takeKeptEdits(localStorage, identity.user.id, sessionId));
    const role = await opened.join(sessionId);
    useBook.getState().attach(opened, { token: identity.token, userId: identity.user.id }, sessionId, role === 'host');
    useGm.getState().attach({ connection: opened, say, removed: () => get().leaveTable() });
    set({ phase: 'table', role, tab: startingTab() });
    rememberTable(localStorage, sessionId);
    showPath(tablePath(sessionId));
    // asked for now, so that the share button copies at once, while the click still allows it
    void get().shareLink();
  };

  /** A bot's join link, waiting for the player's identity to be redeemed. */
  let pendingInvite: string | null = null;

  /** Opens the table the page points to: a join link's (redeemed first) or a table link's. */
  const enter = async (identity: Identity, sessionId: string | null): Promise<void> => {
    const invite = pendingInvite;
    pendingInvite = null;
    if (!invite) {
      if (sessionId) await get().openTable(sessionId);
      return;
    }
    try {
      const joined = await redeemInvite(invite, identity);
      saveIdentity(localStorage, joined.identity);
      set({ identity: joined.identity });
      await get().openTable(joined.sessionId);
    } catch (error) {
      // the address stays: the player can read it, copy it, or reload once the host sent a new one
      set({ linkProblem: inviteProblemText(error) });
    }
  };

  const send = ({ client }: TableConnection, update: ListUpdate | null) => {
    if (update) client.update(update.updates, update.kind, update.intents);
  };

  /** Takes a new token for the player (renamed, or linked from another device) and opens the page's table with it. */
  const adopt = async (fetchIdentity: () => Promise<Identity>) => {
    set({ busy: true });
    try {
      const identity = await fetchIdentity();
      disconnect();
      saveIdentity(localStorage, identity);
      set({ identity, phase: 'lobby', ...AT_NO_TABLE });
      await enter(identity, get().sessionId);
    } catch (error) {
      say(messageOf(error));
    } finally {
      set({ busy: false });
    }
  };

  const showPath = (path: string) => {
    // inside Discord the page keeps its address: the SDK and a reload need its frame_id and instance_id
    if (get().platform.kind === 'discord') return;
    if (location.pathname + location.search !== path) history.replaceState(null, '', path);
  };

  return {
    platform: { kind: 'browser' },
    phase: 'signed-out',
    identity: null,
    status: 'connecting',
    notice: null,
    tab: 'sheets',
    busy: false,
    stop: null,
    ...AT_NO_TABLE,

    start() {
      const platform = detectPlatform(location.search);
      if (platform.kind === 'discord') {
        set({ platform });
        void discordEnter();
        return;
      }
      const identity = loadIdentity(localStorage);
      pendingInvite = inviteFromLocation(location.pathname);
      const sessionId = sessionFromLocation(location.pathname, location.search);
      set({ platform, identity, sessionId, phase: identity ? 'lobby' : 'signed-out' });
      if (identity) void enter(identity, sessionId);
    },

    async signIn(name) {
      set({ busy: true });
      try {
        const identity = await guestSignIn(name);
        saveIdentity(localStorage, identity);
        set({ identity, phase: 'lobby' });
        await enter(identity, get().sessionId);
      } catch (error) {
        say(messageOf(error));
      } finally {
        set({ busy: false });
      }
    },

    async rename(name) {
      const { identity } = get();
      if (!identity) return;
      await adopt(() => renameIdentity(name, identity.token));
    },

    async linkDevice(code) {
      await adopt(() => linkDevice(code));
    },

    signOut() {
      disconnect();
      forgetIdentity(localStorage);
      set({ identity: null, phase: 'signed-out', ...AT_NO_TABLE });
    },

    async createTable() {
      const { identity } = get();
      if (!identity) return;
      set({ busy: true });
      try {
        const created = connect(identity);
        await created.connected();
        await get().openTable(await created.createSession());
      } catch (error) {
        say(messageOf(error));
      } finally {
        set({ busy: false });
      }
    },

    async openTable(sessionId) {
      const { identity } = get();
      if (!identity) return;
      try {
        await joinTable(identity, sessionId);
      } catch (error) {
        set({ ...AT_NO_TABLE, phase: 'lobby', linkProblem: linkProblemText(error) });
      }
    },

    leaveTable() {
      const { sessionId } = get();
      // named after its book in the lobby's list
      if (sessionId) rememberTable(localStorage, sessionId, useBook.getState().pdfs[0]?.name);
      disconnect();
      set({ ...AT_NO_TABLE, phase: get().identity ? 'lobby' : 'signed-out' });
      showPath('/');
    },

    retryDiscord() {
      discordRetried = false;
      void discordEnter();
    },

    async shareLink() {
      const { identity, sessionId, joinLink } = get();
      if (!identity || !sessionId) return null;
      if (joinLink && isFresh(joinLink, Date.now())) return joinLink;
      try {
        const fetched = await fetchJoinLink(sessionId, identity.token);
        if (get().sessionId === sessionId) set({ joinLink: fetched });
        return fetched;
      } catch (error) {
        if (isRefusal(error) && get().platform.kind === 'discord') redoDiscordSignIn();
        else say(messageOf(error));
        return null;
      }
    },

    editList(name, change) {
      if (connection) send(connection, listUpdate(connection.client.state, name, change));
    },

    editItem(name, id, change) {
      if (connection) send(connection, itemUpdate(connection.client.state, name, id, change));
    },

    async rollDice(expression) {
      if (!connection) return false;
      try {
        await connection.rollDice(expression);
        return true;
      } catch (error) {
        say(messageOf(error));
        return false;
      }
    },

    setTab: (tab) => set({ tab }),
    say,
    dismissNotice: () => set({ notice: null }),
    flush: () => {
      const { identity, sessionId } = get();
      if (!connection || !identity || !sessionId) return;
      connection.client.flush();
      // what has not been answered yet outlives the page: the next page of this table sends it
      keepEdits(localStorage, identity.user.id, sessionId, connection.client.keptEdits(sessionId));
    },
  };
});
