import type { StoredState } from '../../../shared/patched-array';
import type { PresenceMember } from '../../../shared/presence';
import type { Role } from '../../../shared/protocol';
import type { SyncStatus } from '../../../shared/sync-client';
import type { Item, ItemChange } from '../model/collection';
import type { ListName } from '../model/lists';
import type { Identity } from '../platform/guest-identity';
import type { JoinLink } from '../platform/join-link';
import type { Platform } from '../platform/platform';

/* What the table store holds and what it does (table-store.ts builds it). */

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
  /**
   * The shared state as this player sees it: confirmed, with their unconfirmed edits on top. A
   * wide list may be a PatchedArray: read lists through `useList`, other keys through `plainOf`.
   */
  game: StoredState;
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

/** The store's table fields when no table is open. */
export const AT_NO_TABLE = { sessionId: null, role: null, game: {}, members: [], pendingEdits: 0, joinLink: null, linkProblem: null } satisfies Partial<TableData>;
