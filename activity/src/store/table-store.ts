import { create } from 'zustand';
import type { JsonObject } from '../../../shared/json';
import type { PresenceMember } from '../../../shared/presence';
import type { Role } from '../../../shared/protocol';
import type { SyncStatus } from '../../../shared/sync-client';
import type { Item, ItemChange } from '../model/collection';
import { itemUpdate, listUpdate, type ListName, type ListUpdate } from '../model/lists';
import { forgetIdentity, guestSignIn, linkDevice, loadIdentity, renameIdentity, saveIdentity, type Identity } from '../platform/guest-identity';
import { inviteFromLocation, redeemInvite } from '../platform/join-invite';
import { fetchJoinLink, isFresh, type JoinLink } from '../platform/join-link';
import { keepEdits, takeKeptEdits } from '../platform/kept-edits';
import { inviteProblemText, linkProblemText } from '../platform/link-problem';
import { rememberTable } from '../platform/recent-tables';
import { detectPlatform, sessionFromLocation, tablePath, type Platform } from '../platform/platform';
import { TableConnection } from '../sync/connection';
import { TableError } from '../sync/table-error';
import { useBook } from './book-store';
import { useDiscord } from './discord-store';
import { useGm } from './gm-store';
import { probeStateArrived } from './render-probe';

/** A player at the table; inside Discord with the avatar its participants list shows. */
export type TableMember = PresenceMember & { avatarUrl?: string };

export type Tab = 'book' | 'sheets' | 'dice' | 'notes' | 'counters' | 'people' | 'gm';

/**
 * Where the player is: naming themselves, choosing a table, waiting for it, at it, or stopped
 * (inside Discord: the sign-in failed, or the table was closed).
 */
export type Phase = 'signed-out' | 'lobby' | 'joining' | 'table' | 'stopped';

/** Why the activity cannot go on, and whether trying again may help. */
export type Stop = { text: string; retry: boolean };

/** A short message; `action` (an undo) is a button beside it while it shows. */
export type Notice = { id: number; text: string; action?: NoticeAction };
export type NoticeAction = { label: string; run: () => void };

export interface TableData {
  platform: Platform;
  phase: Phase;
  identity: Identity | null;
  /** The table joined, or being joined (from a join link before the player has a name). */
  sessionId: string | null;
  role: Role | null;
  status: SyncStatus;
  pendingEdits: number;
  /** The shared state as this player sees it: confirmed, with their unconfirmed edits on top. */
  game: JsonObject;
  members: TableMember[];
  notice: Notice | null;
  tab: Tab;
  busy: boolean;
  stop: Stop | null;
  /** The table's join link, once a player asked for it. */
  joinLink: JoinLink | null;
  /** Why the link this page was opened with leads nowhere; shown in the lobby until the player moves on. */
  linkProblem: string | null;
}

export interface TableActions {
  start(): void;
  signIn(name: string): Promise<void>;
  /** A new name, the same player: tables they run stay theirs. */
  rename(name: string): Promise<void>;
  /** This browser becomes the player another device shows a one-time code for. */
  linkDevice(code: string): Promise<void>;
  signOut(): void;
  createTable(): Promise<void>;
  openTable(sessionId: string): Promise<void>;
  leaveTable(): void;
  /** Inside Discord, after a failed sign-in: the Discord handshake again. */
  retryDiscord(): void;
  /** A link a plain browser can open to join this table; fetched again when it is about to expire. */
  shareLink(): Promise<JoinLink | null>;
  /** Applies `change` to the current items of a shared list (others' edits included) and sends the whole list. */
  editList(name: ListName, change: (list: Item[]) => Item[]): void;
  /** Applies `change` to the current value of one item and sends it with the intents of what it changed. */
  editItem(name: ListName, id: string, change: (item: Item) => ItemChange): void;
  /** Asks the server for a roll; true when it was made (it then shows in the shared log). */
  rollDice(expression: string): Promise<boolean>;
  setTab(tab: Tab): void;
  say(text: string, action?: NoticeAction): void;
  dismissNotice(): void;
  /** Sends waiting edits now, without their debounce (the page is being hidden or closed). */
  flush(): void;
}

export type TableStore = TableData & TableActions;

const AT_NO_TABLE = { sessionId: null, role: null, game: {}, members: [], pendingEdits: 0, joinLink: null, linkProblem: null } satisfies Partial<TableData>;

const TABLE_CLOSED = 'This table was closed from Discord. /table start opens it again.';

/** What a player inside Discord reads when the sign-in fails, by the server's error code. */
function discordFailure(error: unknown): string {
  if (error instanceof TableError && error.code === 'discord-unavailable') return 'Discord is not answering us right now. Try again in a moment.';
  if (error instanceof TableError && error.code === 'not-in-instance') return error.message;
  return `Discord sign-in failed: ${error instanceof Error ? error.message : 'something went wrong'}`;
}

/** Where the layout is one column (styles/table.css): there the book comes first. */
const PHONE_QUERY = '(max-width: 860px)';
const startingTab = (): Tab => (typeof matchMedia === 'function' && matchMedia(PHONE_QUERY).matches ? 'book' : 'sheets');

/** The server refused who the player is (token expired, altered, or not for this table). */
const isRefusal = (error: unknown) => error instanceof TableError && (error.code === 'unauthorized' || error.code === 'forbidden');

export const useTable = create<TableStore>()((set, get) => {
  let connection: TableConnection | null = null;
  let detach: Array<() => void> = [];
  let noticeCount = 0;

  const say = (text: string, action?: NoticeAction) => set({ notice: { id: ++noticeCount, text, ...(action ? { action } : {}) } });
  const messageOf = (error: unknown) => (error instanceof Error ? error.message : 'something went wrong');

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
