import type { Database } from 'better-sqlite3';
import { gmRevisionTaken, pdfRemoved, revisionTaken, sqliteCode, versionTaken } from '../storage-error';
import { failed, type Outcome } from '../write-outcome';
import { toGmDocument } from '../stored-rows';
import type { PdfRecord } from '../pdf-store';

/**
 * Every write of the SQLite stores, as data: the stores run on the event loop and the writer on
 * its own thread (writer-worker.ts), and a closure cannot cross from one to the other. Arguments
 * are plain values (structured clone); each command runs inside a transaction others may share.
 */
export type WriteCommand =
  | { kind: 'createSession'; id: string; hostId: string; createdAt: number; now: number }
  /** Resolves to whether the session exists. */
  | { kind: 'touchSession'; id: string; now: number }
  | { kind: 'appendUpdates'; id: string; deltas: DeltaInsert[]; applied: AppliedInsert[]; now: number; touch: boolean }
  | { kind: 'recordApplied'; id: string; applied: AppliedInsert; now: number }
  | { kind: 'saveSnapshot'; id: string; version: number; state: string; keepFrom: number; appliedBefore: number }
  /** Resolves to the ids removed. */
  | { kind: 'removeUnusedSince'; cutoff: number; keep: string[] }
  | { kind: 'ping' }
  | { kind: 'savePage'; sessionId: string; pdfId: string; pageNum: number; revision: number; layers: Uint8Array; now: number }
  | { kind: 'addPdf'; sessionId: string; pdf: PdfRecord; now: number }
  | { kind: 'removePdf'; sessionId: string; pdfId: string; now: number }
  | { kind: 'saveRoles'; sessionId: string; json: string }
  /** Refused (`revision-taken`) unless `revision` is newer than the stored document's. */
  | { kind: 'saveGmDocument'; sessionId: string; json: string; revision: number }
  | { kind: 'saveView'; sessionId: string; json: string };

export interface DeltaInsert {
  version: number;
  fromVersion: number;
  crc: number;
  delta: string;
  updateId: string | null;
}

export interface AppliedInsert {
  userId: string;
  clientKey: string;
  seq: number;
  version: number;
}

/** Every statement the writer runs, prepared once on its connection. */
function prepareWrites(db: Database) {
  return {
    insertSession: db.prepare('INSERT INTO sessions (id, host_id, created_at, last_used_at) VALUES (?, ?, ?, ?)'),
    touch: db.prepare('UPDATE sessions SET last_used_at = ? WHERE id = ?'),
    insertDelta: db.prepare('INSERT INTO deltas (session_id, version, from_version, crc, delta, update_id) VALUES (?, ?, ?, ?, ?, ?)'),
    recordApplied: db.prepare(
      `INSERT INTO applied_updates (session_id, user_id, client_key, seq, version, applied_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (session_id, user_id, client_key) DO UPDATE SET seq = excluded.seq, version = excluded.version, applied_at = excluded.applied_at`,
    ),
    saveSnapshot: db.prepare('INSERT OR REPLACE INTO snapshots (session_id, version, state) VALUES (?, ?, ?)'),
    keptBase: db.prepare<[string, number], { version: number }>(
      'SELECT version FROM snapshots WHERE session_id = ? AND version <= ? ORDER BY version DESC LIMIT 1',
    ),
    pruneSnapshots: db.prepare('DELETE FROM snapshots WHERE session_id = ? AND version < ?'),
    pruneDeltas: db.prepare('DELETE FROM deltas WHERE session_id = ? AND version <= ?'),
    pruneApplied: db.prepare('DELETE FROM applied_updates WHERE session_id = ? AND applied_at < ?'),
    unusedSince: db.prepare<[number], { id: string }>('SELECT id FROM sessions WHERE last_used_at < ?'),
    // snapshots, deltas, page layers and PDF records go with it (ON DELETE CASCADE)
    removeSession: db.prepare('DELETE FROM sessions WHERE id = ?'),
    // compare and append (layer-store.ts): revision 1 onto no page, any other onto the one before it
    firstPage: db.prepare(
      `INSERT INTO layers (session_id, pdf_id, page_num, revision, layers) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (session_id, pdf_id, page_num) DO NOTHING`,
    ),
    nextPage: db.prepare('UPDATE layers SET revision = ?, layers = ? WHERE session_id = ? AND pdf_id = ? AND page_num = ? AND revision = ?'),
    insertPdf: db.prepare('INSERT INTO pdfs (session_id, id, name, size, sha256, added_by, added_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    removePdf: db.prepare('DELETE FROM pdfs WHERE session_id = ? AND id = ?'),
    removePages: db.prepare('DELETE FROM layers WHERE session_id = ? AND pdf_id = ?'),
    // a session gone meanwhile is no error here, as the deletes before it are none (its foreign key would fail the write)
    markRemoved: db.prepare<[string, string, string]>(
      'INSERT OR IGNORE INTO removed_pdfs (session_id, pdf_id) SELECT ?, ? WHERE EXISTS (SELECT 1 FROM sessions WHERE id = ?)',
    ),
    unmarkRemoved: db.prepare('DELETE FROM removed_pdfs WHERE session_id = ? AND pdf_id = ?'),
    wasRemoved: db.prepare<[string, string], { found: 1 }>('SELECT 1 AS found FROM removed_pdfs WHERE session_id = ? AND pdf_id = ?'),
    roles: db.prepare('UPDATE sessions SET roles = ? WHERE id = ?'),
    gm: db.prepare('UPDATE sessions SET gm = ? WHERE id = ?'),
    storedGm: db.prepare<[string], { gm: string | null }>('SELECT gm FROM sessions WHERE id = ?'),
    view: db.prepare('UPDATE sessions SET view = ? WHERE id = ?'),
  };
}

type Statements = ReturnType<typeof prepareWrites>;

/** Runs write commands on one connection (the writer thread's). */
export class WriteCommands {
  private readonly sql: Statements;

  constructor(private readonly db: Database) {
    this.sql = prepareWrites(db);
  }

  /** The commands in one transaction, their values in order; throws (rolled back) when any fails. */
  runTogether(commands: readonly WriteCommand[]): unknown[] {
    return this.db.transaction(() => commands.map((command) => this.run(command)))();
  }

  /** One command in a transaction of its own. */
  runAlone(command: WriteCommand): Outcome {
    try {
      return { ok: true, value: this.db.transaction(() => this.run(command))() };
    } catch (error) {
      return failed(error);
    }
  }

  private run(command: WriteCommand): unknown {
    const { sql } = this;
    switch (command.kind) {
      case 'createSession':
        sql.insertSession.run(command.id, command.hostId, command.createdAt, command.now);
        return undefined;
      case 'touchSession':
        return sql.touch.run(command.now, command.id).changes > 0;
      case 'appendUpdates':
        return this.appendUpdates(command);
      case 'recordApplied':
        return this.recordApplied(command.id, command.applied, command.now);
      case 'saveSnapshot':
        return this.saveSnapshot(command);
      case 'removeUnusedSince': {
        const keep = new Set(command.keep);
        const ids = sql.unusedSince.all(command.cutoff).map((row) => row.id).filter((id) => !keep.has(id));
        for (const id of ids) sql.removeSession.run(id);
        return ids;
      }
      case 'ping':
        return undefined;
      case 'savePage':
        return this.savePage(command);
      case 'addPdf': {
        const { sessionId, pdf } = command;
        sql.insertPdf.run(sessionId, pdf.id, pdf.name, pdf.size, pdf.sha256, pdf.addedBy, pdf.addedAt);
        sql.unmarkRemoved.run(sessionId, pdf.id);
        sql.touch.run(command.now, sessionId);
        return undefined;
      }
      case 'removePdf':
        sql.removePages.run(command.sessionId, command.pdfId);
        sql.removePdf.run(command.sessionId, command.pdfId);
        sql.markRemoved.run(command.sessionId, command.pdfId, command.sessionId);
        sql.touch.run(command.now, command.sessionId);
        return undefined;
      case 'saveRoles':
        // a session that no longer exists drops what was written for it (no row updated)
        sql.roles.run(command.json, command.sessionId);
        return undefined;
      case 'saveGmDocument':
        return this.saveGmDocument(command);
      case 'saveView':
        sql.view.run(command.json, command.sessionId);
        return undefined;
    }
  }

  private appendUpdates(command: Extract<WriteCommand, { kind: 'appendUpdates' }>): undefined {
    const { id, now } = command;
    for (const delta of command.deltas) {
      try {
        this.sql.insertDelta.run(id, delta.version, delta.fromVersion, delta.crc, delta.delta, delta.updateId);
      } catch (error) {
        // the primary key (session_id, version): another writer appended this version first
        if (sqliteCode(error) === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw versionTaken(id, delta.version, error);
        throw error;
      }
    }
    for (const applied of command.applied) this.recordApplied(id, applied, now);
    if (command.touch) this.sql.touch.run(now, id);
    return undefined;
  }

  private recordApplied(id: string, applied: AppliedInsert, now: number): undefined {
    this.sql.recordApplied.run(id, applied.userId, applied.clientKey, applied.seq, applied.version, now);
    return undefined;
  }

  private saveSnapshot(command: Extract<WriteCommand, { kind: 'saveSnapshot' }>): undefined {
    const { sql } = this;
    const { id } = command;
    sql.saveSnapshot.run(id, command.version, command.state);
    const base = sql.keptBase.get(id, command.keepFrom)?.version;
    if (base !== undefined) {
      sql.pruneSnapshots.run(id, base);
      sql.pruneDeltas.run(id, base);
    }
    sql.pruneApplied.run(id, command.appliedBefore);
    return undefined;
  }

  private savePage(command: Extract<WriteCommand, { kind: 'savePage' }>): undefined {
    const { sessionId, pdfId, pageNum, revision } = command;
    if (this.sql.wasRemoved.get(sessionId, pdfId)) throw pdfRemoved(sessionId, pdfId);
    // a Buffer arrives as a plain Uint8Array from the other thread; SQLite stores it as a blob either way
    const layers = Buffer.from(command.layers.buffer, command.layers.byteOffset, command.layers.byteLength);
    const written =
      revision === 1
        ? this.sql.firstPage.run(sessionId, pdfId, pageNum, revision, layers)
        : this.sql.nextPage.run(revision, layers, sessionId, pdfId, pageNum, revision - 1);
    // thrown inside the write: the writer fails it alone
    if (written.changes === 0) throw revisionTaken(sessionId, { pdfId, pageNum, revision });
    // a session written to counts as used, as for game-state updates
    this.sql.touch.run(command.now, sessionId);
    return undefined;
  }

  private saveGmDocument(command: Extract<WriteCommand, { kind: 'saveGmDocument' }>): undefined {
    const stored = this.sql.storedGm.get(command.sessionId);
    // a session that no longer exists drops what was written for it
    if (stored === undefined) return undefined;
    // compare and set inside the write: of two nodes writing one revision, one wins
    if (command.revision <= (toGmDocument(stored.gm)?.revision ?? 0)) throw gmRevisionTaken(command.sessionId, command.revision);
    this.sql.gm.run(command.json, command.sessionId);
    return undefined;
  }
}

