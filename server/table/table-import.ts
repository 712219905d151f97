import { ProtocolError } from '../../shared/errors';
import type { Sender } from '../../shared/layers-protocol';
import { tableFileHeaderSchema, type ImportedTable, type ImportStep, type TableFileHeader } from '../../shared/table-file';
import type { Logger } from '../logger';
import type { GameSession } from '../sessions/game-session';
import type { SessionRegistry } from '../sessions/session-registry';
import type { PdfBytes, SavedPdf } from '../storage/pdf-bytes';
import type { TableStores } from '../storage/table-stores';
import { StreamReader } from './stream-reader';

export interface TableImportOptions {
  registry: SessionRegistry;
  stores: TableStores;
  files: PdfBytes;
  /** Bytes of the header line: the state and all the layers with their JSON around them. */
  maxHeaderBytes: number;
  maxPdfBytes: number;
  /** Deletes the bytes no record names: a refused file's books go at once. */
  collect: () => Promise<unknown>;
  logger: Logger;
}

/**
 * Makes a new table of `host` from a table file (shared/table-file.ts) read from `source` as it
 * arrives. Everything is checked before the table exists (the header against its schema, each
 * book's bytes against its size and SHA-256, nothing after the last one): a bad file makes no table.
 * `onStep` hears each step as it is taken, for the importer's progress.
 */
export async function importTable(
  source: AsyncIterable<Buffer | Uint8Array>,
  host: Sender,
  options: TableImportOptions,
  onStep: (step: ImportStep) => void = () => {},
): Promise<ImportedTable> {
  const reader = new StreamReader(source);
  const header = parseHeader(await reader.readLine(options.maxHeaderBytes), options.maxPdfBytes);
  const saved: SavedPdf[] = [];
  try {
    for (const pdf of header.pdfs) {
      await savePdf(reader, pdf, options.files, saved);
      onStep({ step: 'book', done: saved.length, of: header.pdfs.length });
    }
    if (!(await reader.atEnd())) throw new ProtocolError('invalid-payload', 'the file goes on after its last PDF');
    onStep({ step: 'table' });
    const session = await options.registry.create(host.id, header.state);
    await session.exclusive(() => fillTable(session, header, host, options));
    const { version, crc } = session.fullState();
    release(saved);
    return { sessionId: session.id, version, crc };
  } catch (error) {
    release(saved);
    // the books of a refused file, stored before the refusal, are named by no record
    if (saved.length > 0) await options.collect().catch((failure: unknown) => options.logger.error({ err: failure }, 'could not collect PDF files'));
    throw error;
  }
}

/** Recorded (or refused): from now on the collector goes by the records. */
function release(saved: SavedPdf[]): void {
  for (const pdf of saved) pdf.release();
}

function parseHeader(line: Buffer, maxPdfBytes: number): TableFileHeader {
  let json: unknown;
  try {
    json = JSON.parse(line.toString('utf8'));
  } catch {
    throw new ProtocolError('invalid-payload', 'the file does not start with a JSON header line: is it a table file?');
  }
  const parsed = tableFileHeaderSchema.safeParse(json);
  if (!parsed.success) throw new ProtocolError('invalid-payload', `not a table file of this version: ${parsed.error.issues[0]?.message ?? 'bad header'}`);
  if (parsed.data.pdfs.some((pdf) => pdf.size > maxPdfBytes)) throw new ProtocolError('too-large', `a PDF may have at most ${maxPdfBytes} bytes`);
  return parsed.data;
}

/** Stores the next book's bytes (added to `saved` to be released), checked against the header. */
async function savePdf(reader: StreamReader, pdf: TableFileHeader['pdfs'][number], files: PdfBytes, saved: SavedPdf[]): Promise<void> {
  const stored = await files.save(reader.take(pdf.size));
  saved.push(stored);
  if (stored.sha256 !== pdf.sha256) {
    throw new ProtocolError('invalid-payload', `the bytes of "${pdf.name}" do not match their SHA-256: the file is damaged`);
  }
}

/** The new table's pages, books and view, stored before anyone can join it. */
async function fillTable(session: GameSession, header: TableFileHeader, host: Sender, options: TableImportOptions): Promise<void> {
  const { layers, pdfs, views } = options.stores;
  const addedAt = Date.now();
  for (const pdf of header.pdfs) {
    const record = { id: pdf.sha256, name: pdf.name, size: pdf.size, sha256: pdf.sha256, addedBy: host.id, addedAt };
    await pdfs.addPdf(session.id, record);
    session.table.addPdf(record);
  }
  for (const page of header.pages) {
    const change = session.table.layers.prepare(page);
    if (!change.changed) continue;
    session.checkLayerGrowth(change.totalBytes);
    await layers.savePage(session.id, { pdfId: page.pdfId, pageNum: page.pageNum, revision: change.page.revision, layers: change.page.layers });
    session.table.layers.commit(change.page);
  }
  session.recordUsage();
  if (header.view) {
    await views.saveView(session.id, header.view);
    session.table.view = header.view;
  }
}
