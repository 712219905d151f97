import { z } from 'zod';
import type { Ack } from './ack';

/**
 * **extension** (docs/protocol.md, "Roles and game master tools"): who runs a table, and what
 * only its game masters see. Roles are stored with the table and checked on the server; the
 * game master document travels only to game masters' sockets, never in the shared game state.
 */
export const RoleClientEvent = {
  /** Host only: make a member a game master (co-host) or a player again. */
  setRole: 'set-role',
  /** Host only: hand the table to another member; the old host stays a game master. */
  transferHost: 'transfer-host',
  /** Host or game master: the member's token no longer opens this table. */
  removeMember: 'remove-member',
  /** Any member, when no host or game master has been at the table for a while. */
  claimTable: 'claim-table',
  /** Game masters: change notes and marks of their document, one path at a time (shared/gm-changes.ts). */
  changeGmDocument: 'change-gm-document',
  /** Game masters: the document whole, as stored now (after a revision was missed). */
  getGmDocument: 'get-gm-document',
} as const;

export const RoleServerEvent = {
  /** To the whole table, on join and after every change: host, game masters and removed ids. */
  roles: 'table-roles',
  /** To game masters only: their private document whole, when they join or become game masters. */
  gmDocument: 'gm-document',
  /** To game masters only: the changes of each new revision of their document. */
  gmDocumentChanged: 'gm-document-changed',
  /** To the sockets of a removed member, just before they leave the table. */
  removed: 'removed-from-table',
} as const;

/** What a member is at a table; `game-master` is a co-host. */
export type Role = 'host' | 'game-master' | 'player';

const userIdSchema = z.string().min(1).max(128);

export const setRoleSchema = z.object({ userId: userIdSchema, role: z.enum(['game-master', 'player']) });
export const memberSchema = z.object({ userId: userIdSchema });
/** `claim-table` says nothing: who claims is the socket's user. */
export const claimTableSchema = z.object({});

export interface TableRoles {
  hostId: string;
  gameMasters: string[];
  /** Users whose tokens no longer open this table. */
  removed: string[];
}

export const tableRolesSchema = z.object({
  hostId: userIdSchema,
  gameMasters: z.array(userIdSchema).max(256),
  removed: z.array(userIdSchema).max(10_000),
});

const idSchema = z.string().min(1).max(64);

/** How many of a note's last puts the note remembers (R15): more than one editor has puts in doubt at once. */
export const REMEMBERED_PUTS = 16;

/**
 * A private note of the game masters. `puts`: the ids of the last puts merged into its text,
 * written by the server only (R15), so that a put sent again after an answer that never came is
 * not merged twice.
 */
export const gmNoteSchema = z.object({ id: idSchema, text: z.string().max(20_000), puts: z.array(idSchema).max(REMEMBERED_PUTS).optional() });

/** A mark of the hidden layer: a label pinned on a page, at fractions of its width and height. */
export const hiddenMarkSchema = z.object({
  id: idSchema,
  pdfId: z.string().min(1).max(128),
  pageNum: z.number().int().min(1).max(100_000),
  x: z.number().min(0).max(1),
  y: z.number().min(0).max(1),
  text: z.string().max(500),
});

export const gmContentSchema = z.object({
  notes: z.array(gmNoteSchema).max(500),
  marks: z.array(hiddenMarkSchema).max(2000),
});

export type GmNote = z.infer<typeof gmNoteSchema>;
export type HiddenMark = z.infer<typeof hiddenMarkSchema>;
export type GmContent = z.infer<typeof gmContentSchema>;

/** The game masters' document: sent whole once, then changed path by path, one revision after another. */
export interface GmDocument extends GmContent {
  revision: number;
}

export const EMPTY_GM_DOCUMENT: GmDocument = { revision: 0, notes: [], marks: [] };

/** The document as stored, with its revision. */
export const gmDocumentSchema = gmContentSchema.extend({ revision: z.number().int().min(0) });

export type ChangeGmDocumentAck = Ack<{ revision: number }>;
export type GetGmDocumentAck = Ack<{ document: GmDocument }>;
export const getGmDocumentSchema = z.object({});

export interface RemovedFromTable {
  sessionId: string;
}

/** Shared game state keys only game masters write: everyone reads them (the turn, hidden pages, page numbering). */
export const TURN_ORDER_KEY = 'turnOrder';
export const HIDDEN_PAGES_KEY = 'hiddenPages';
/** Per book (`{ [pdfId]: n }`): printed page 1 is page n of the file, for a book whose PDF has no labels of its own. */
export const PRINTED_PAGE_ONE_KEY = 'printedPageOne';
export const GAME_MASTER_KEYS: ReadonlySet<string> = new Set([TURN_ORDER_KEY, HIDDEN_PAGES_KEY, PRINTED_PAGE_ONE_KEY]);

/** Sheets: an item of this list with an `ownerId` is edited by its owner and the game masters only. */
export const OWNED_LIST_KEY = 'characters';
