import type { Delta } from '../../shared/diff';
import type { JsonObject } from '../../shared/json';
import { pageViewSchema, type PageView } from '../../shared/layers-protocol';
import type { GameStateDelta } from '../../shared/protocol';
import { tableRolesSchema, gmDocumentSchema, type GmDocument, type TableRoles } from '../../shared/roles-protocol';
import type { PdfRecord } from './pdf-store';
import type { Snapshot } from './session-store';

/** A row of the delta log as the SQL engines keep it (same columns in SQLite and PostgreSQL). */
export interface DeltaRow {
  version: number;
  from_version: number;
  crc: number;
  delta: string;
  update_id: string | null;
}

export function toDelta(row: DeltaRow): GameStateDelta {
  const entry: GameStateDelta = { version: row.version, fromVersion: row.from_version, crc: row.crc, delta: JSON.parse(row.delta) as Delta };
  if (row.update_id !== null) entry.updateId = row.update_id;
  return entry;
}

/** A stored snapshot row, or the empty state at version 0 when there is none. */
export function toSnapshot(row: { version: number; state: string } | undefined): Snapshot {
  return row ? { version: row.version, state: JSON.parse(row.state) as JsonObject } : { version: 0, state: {} };
}

/** A stored page view (JSON), or null: none stored, or one that no longer fits the schema (forgotten). */
export function toView(stored: string | null | undefined): PageView | null {
  // written by saveView from a validated view
  return parseStored(stored, pageViewSchema);
}

/** Stored roles (JSON), or null: none stored, or ones that no longer fit the schema. */
export function toRoles(stored: string | null | undefined): TableRoles | null {
  return parseStored(stored, tableRolesSchema);
}

/** A stored game master document (JSON), or null. */
export function toGmDocument(stored: string | null | undefined): GmDocument | null {
  return parseStored(stored, gmDocumentSchema);
}

function parseStored<T>(stored: string | null | undefined, schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } }): T | null {
  if (stored === null || stored === undefined) return null;
  const parsed = schema.safeParse(JSON.parse(stored));
  return parsed.success ? parsed.data : null;
}

/** A row of `pdfs` as the SQL engines keep it. */
export interface PdfRow {
  id: string;
  name: string;
  size: number;
  sha256: string;
  added_by: string;
  added_at: number;
}

export function toPdfRecord(row: PdfRow): PdfRecord {
  return { id: row.id, name: row.name, size: row.size, sha256: row.sha256, addedBy: row.added_by, addedAt: row.added_at };
}
