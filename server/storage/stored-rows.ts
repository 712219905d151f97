import type { Delta } from '../../shared/diff';
import type { JsonObject } from '../../shared/json';
import { pageViewSchema, type PageView } from '../../shared/layers-protocol';
import type { GameStateDelta } from '../../shared/protocol';
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
  if (stored === null || stored === undefined) return null;
  // written by saveView from a validated view
  const parsed = pageViewSchema.safeParse(JSON.parse(stored));
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
