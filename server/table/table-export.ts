import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { canonicalPart } from '../../shared/canonical-crc';
import type { JsonObject } from '../../shared/json';
import type { Role } from '../../shared/protocol';
import { TABLE_FILE_FORMAT, TABLE_FILE_VERSION, type TableFileHeader } from '../../shared/table-file';
import type { GameSession } from '../sessions/game-session';
import type { PdfBytes } from '../storage/pdf-bytes';

/** Who asks for the export: each part leaves out what this reader may not see. */
export interface ExportReader {
  userId: string;
  role: Role;
}

/**
 * One function per part of the file, each given the session and the reader: a part that gains
 * data only some may see (a game master's) filters it here, in its own function, and nowhere else.
 */
type ExportPart<K extends keyof TableFileHeader> = (session: GameSession, reader: ExportReader) => Pick<TableFileHeader, K>;

/** The game state, with the CRC of exactly what is exported (so a filtered state still checks out). */
const statePart: ExportPart<'state' | 'crc'> = (session) => {
  const state = session.state as JsonObject;
  return { state, crc: canonicalPart(state).crc };
};

const viewPart: ExportPart<'view'> = (session) => ({ view: session.table.view });

const pagesPart: ExportPart<'pages'> = (session) => {
  const { layers } = session.table.layers.snapshot();
  const pages = Object.entries(layers).flatMap(([pdfId, byPage]) =>
    Object.entries(byPage).map(([pageNum, pageLayers]) => ({ pdfId, pageNum: Number(pageNum), layers: pageLayers })),
  );
  return { pages };
};

const pdfsPart: ExportPart<'pdfs'> = (session) => ({
  pdfs: session.table.snapshot().pdfs.map(({ name, size, sha256 }) => ({ name, size, sha256 })),
});

/** The header of the table's file as `reader` may see it; call inside the session's turn, so the parts agree. */
export function exportHeader(session: GameSession, reader: ExportReader, now = Date.now()): TableFileHeader {
  return {
    format: TABLE_FILE_FORMAT,
    version: TABLE_FILE_VERSION,
    exportedAt: now,
    ...statePart(session, reader),
    ...viewPart(session, reader),
    ...pagesPart(session, reader),
    ...pdfsPart(session, reader),
  };
}

/**
 * Writes the file: the header line, then each PDF's bytes streamed from the store one after the
 * other (one book in memory at most a read buffer's worth). Backpressure is the writer's.
 */
export async function writeTableFile(out: Writable, header: TableFileHeader, bytes: PdfBytes): Promise<void> {
  const headerLine = Buffer.from(`${JSON.stringify(header)}\n`, 'utf8');
  if (!out.write(headerLine)) await new Promise((resolve) => out.once('drain', resolve));
  for (const pdf of header.pdfs) {
    await pipeline(bytes.read(pdf.sha256, 0, pdf.size - 1), out, { end: false });
  }
  out.end();
}
