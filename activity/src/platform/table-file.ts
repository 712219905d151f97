import { z } from 'zod';
import { IMPORT_PROGRESS_MEDIA_TYPE, TABLE_FILE_MEDIA_TYPE, type ImportedTable, type ImportStep, type TableFileLink } from '../../../shared/table-file';
import { TableError, tableErrorFrom } from '../sync/table-error';

const importedSchema = z.object({ sessionId: z.string(), version: z.number(), crc: z.number() }) satisfies z.ZodType<ImportedTable>;
const linkSchema = z.object({ url: z.string().startsWith('/api/'), expiresAt: z.number() }) satisfies z.ZodType<TableFileLink>;
/** An ImportLine as read off the wire: an error's code is checked by tableErrorFrom. */
const importLineSchema = z.union([
  z.object({ step: z.literal('book'), done: z.number(), of: z.number() }),
  z.object({ step: z.literal('table') }),
  z.object({ imported: importedSchema }),
  z.object({ error: z.object({ code: z.string(), message: z.string() }) }),
]);

/** fetch, with a network failure as a TableError and a refusal as the server's code. */
async function call(path: string, init: RequestInit, what: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new TableError('network', 'the server cannot be reached; try again in a moment');
  }
  if (!response.ok) throw tableErrorFrom(await response.json().catch(() => null), `${what} failed (${response.status})`);
  return response;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/**
 * The export, downloaded by the browser itself from a short-lived link (POST .../export-link):
 * the file streams from the server to the disk, and the page never holds it (a Blob would).
 */
export async function downloadTable(sessionId: string, token: string): Promise<void> {
  const response = await call(`/api/sessions/${encodeURIComponent(sessionId)}/export-link`, { method: 'POST', headers: bearer(token) }, 'the export');
  const parsed = linkSchema.safeParse(await response.json().catch(() => null));
  if (!parsed.success) throw new TableError('internal', 'the server answered the export oddly');
  const link = document.createElement('a');
  link.href = parsed.data.url;
  link.download = `table-${sessionId}.gbtable`;
  link.click();
}

/** How far an import is: the file going up (0 to 1), then the server's steps. */
export type ImportProgress = { step: 'upload'; fraction: number } | ImportStep;

/**
 * POST /api/tables/import: the file becomes a new table of this player's. XHR, for the upload's
 * progress; the server's steps come as lines of the answer while the file still goes up.
 */
export function importTableFile(file: Blob, token: string, onProgress: (progress: ImportProgress) => void): Promise<ImportedTable> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    let read = 0;
    let outcome: ImportedTable | TableError | null = null;
    /** The answer's lines received so far and not yet read. */
    const readLines = () => {
      const text = request.responseText;
      const end = text.lastIndexOf('\n') + 1;
      for (const line of text.slice(read, end).split('\n').filter(Boolean)) {
        const parsed = importLineSchema.safeParse(parseJson(line));
        if (!parsed.success) continue;
        const said = parsed.data;
        if ('imported' in said) outcome = said.imported;
        else if ('error' in said) outcome = tableErrorFrom(said, 'the import failed');
        else onProgress(said);
      }
      read = Math.max(read, end);
    };
    request.open('POST', '/api/tables/import');
    request.setRequestHeader('Authorization', `Bearer ${token}`);
    request.setRequestHeader('Content-Type', TABLE_FILE_MEDIA_TYPE);
    request.setRequestHeader('Accept', IMPORT_PROGRESS_MEDIA_TYPE);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress({ step: 'upload', fraction: event.loaded / event.total });
    };
    request.onprogress = readLines;
    request.onload = () => {
      if (request.status !== 200) {
        reject(tableErrorFrom(parseJson(request.responseText), `the import failed (${request.status})`));
        return;
      }
      readLines();
      if (outcome instanceof TableError) reject(outcome);
      else if (outcome) resolve(outcome);
      else reject(new TableError('internal', 'the server answered the import oddly'));
    };
    request.onerror = () => reject(new TableError('network', 'the server cannot be reached; try again in a moment'));
    request.send(file);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** DELETE /api/sessions/:id/pdfs/:pdfId (host): the book and its layers go for everyone. */
export async function removeBook(sessionId: string, pdfId: string, token: string): Promise<void> {
  await call(`/api/sessions/${encodeURIComponent(sessionId)}/pdfs/${encodeURIComponent(pdfId)}`, { method: 'DELETE', headers: bearer(token) }, 'removing the book');
}
