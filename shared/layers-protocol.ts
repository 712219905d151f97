import { z } from 'zod';
import type { Ack } from './ack';
import { isJsonObject, type JsonObject, type JsonValue } from './json';
import { isSafeJson } from './json-shape';

/** Events of the table: page layers, live updates, page navigation and PDFs (docs/layers-and-pdfs.md). */
export const TableClientEvent = {
  updateLayers: 'update-layers',
  realTimeUpdate: 'real-time-update',
  navigatePage: 'navigate-page',
  /** The spelling of state-exchange.md's table; accepted as a synonym of navigate-page. */
  mapsPage: 'Maps-page',
} as const;

export const TableServerEvent = {
  layersUpdated: 'layers-updated',
  realTimeUpdate: 'real-time-update',
  pageNavigated: 'page-navigated',
  pdfAdded: 'pdf-added',
  /** **extension**: the host removed a book, and the layers of its pages with it. */
  pdfRemoved: 'pdf-removed',
  /** After a join that resumed through missing-updates: the table as it is now. */
  tableState: 'table-state',
} as const;

/** Binary payloads arrive as a Buffer in Node and may be an ArrayBuffer elsewhere. */
export const binaryPayloadSchema = z
  .custom<Uint8Array | ArrayBuffer>((value) => value instanceof Uint8Array || value instanceof ArrayBuffer, {
    message: 'must be binary (pako deflate of UTF-8 JSON)',
  })
  .transform((value) => (value instanceof Uint8Array ? value : new Uint8Array(value)));

export const pdfIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_-]+$/, 'a pdf id is made of letters, digits, - and _')
  // ids become object keys on every client
  .refine((id) => id !== '__proto__', 'a pdf id may not be __proto__');

export const pageNumSchema = z.number().int().min(1).max(100_000);
export const revisionSchema = z.number().int().min(0);

/** The layers of one page: a JSON object or array whose items carry an `id` (merged item by item). */
export type Layers = JsonObject | JsonValue[];

export const layersSchema = z.custom<Layers>((value) => (isJsonObject(value) || Array.isArray(value)) && isSafeJson(value), {
  message: 'must be a JSON object or array of plain JSON, at most 64 levels deep',
});

export const updateLayersSchema = z.object({
  pdfId: pdfIdSchema,
  pageNum: pageNumSchema,
  layers: layersSchema,
  /** The page revision the client edited from; absent replaces the page's layers whole. */
  baseRevision: revisionSchema.optional(),
  /**
   * The client's idempotency key, `<client>-<n>` with n growing per client (as for game-state
   * updates, in a space of its own): a resend of an applied edit is acknowledged, not applied again.
   */
  updateId: z.string().min(1).max(64).optional(),
});
export type UpdateLayers = z.infer<typeof updateLayersSchema>;

/** `layers-updated`, deflated like update-layers: the page's layers after the edit (and any merge). */
export interface LayersUpdated {
  pdfId: string;
  pageNum: number;
  layers: Layers;
  revision: number;
}

export const liveUpdateSchema = z.object({
  type: z.string().min(1).max(64),
  data: z.custom<JsonValue>((value) => value !== undefined && isSafeJson(value), { message: 'must be plain JSON' }),
});
export type LiveUpdate = z.infer<typeof liveUpdateSchema>;

/** Who sent a live update, attached by the server from the socket's token, never from the payload. */
export interface Sender {
  id: string;
  name: string;
}

/** `real-time-update` as relayed to the others, deflated. */
export interface LiveUpdateRelay extends LiveUpdate {
  from: Sender;
}

/** A fraction of the page's width or height, 0 (left, top) to 1. */
const pageFractionSchema = z.number().min(0).max(1);

export const pageViewSchema = z.object({
  pdfId: pdfIdSchema,
  currentPage: pageNumSchema,
  scale: z.number().positive().max(64),
  /**
   * Optional (an extension: clients that send none keep working): the point of the page at the
   * centre of the sender's view, as fractions of the page's width and height, so a follower with
   * another screen size looks at the same part of the page.
   */
  scrollX: pageFractionSchema.optional(),
  scrollY: pageFractionSchema.optional(),
});
export type PageView = z.infer<typeof pageViewSchema>;

/** A PDF of a session; `url` is relative to the server's origin. */
export interface PdfData {
  id: string;
  name: string;
  size: number;
  sha256: string;
  url: string;
}

/** `pdf-removed`: the book `pdfId` is gone from the session, with its pages' layers. */
export interface PdfRemoved {
  pdfId: string;
}

/** pdfId -> pageNum -> value, as in full-game-state. */
export type PerPage<T> = Record<string, Record<string, T>>;

/** What full-game-state carries for the table besides the game state. */
export interface TableSnapshot {
  layers: PerPage<Layers>;
  /** Each page's revision, so a late joiner can send `baseRevision` with its first edit. */
  layerRevisions: PerPage<number>;
  pdfs: PdfData[];
  view: PageView | null;
}

/** `table-state`: what a full state carries of the table, for a client that resumed without one. */
export interface TableState extends TableSnapshot {
  sessionId: string;
}

export type UpdateLayersAck = Ack<{ revision: number }>;

/** Answer of POST /api/sessions/:sessionId/pdfs/:pdfId/link: a URL that works without headers. */
export interface PdfLink {
  url: string;
  expiresAt: number;
}
