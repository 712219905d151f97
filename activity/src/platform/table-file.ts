import { z } from 'zod';
import { TABLE_FILE_MEDIA_TYPE, type ImportedTable } from '../../../shared/table-file';
import { TableError, tableErrorFrom } from '../sync/table-error';

const importedSchema = z.object({ sessionId: z.string(), version: z.number(), crc: z.number() }) satisfies z.ZodType<ImportedTable>;

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

/** GET /api/sessions/:id/export, saved by the browser as a file named after the table. */
export async function downloadTable(sessionId: string, token: string): Promise<void> {
  const response = await call(`/api/sessions/${encodeURIComponent(sessionId)}/export`, { headers: bearer(token) }, 'the export');
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = `table-${sessionId}.gbtable`;
  link.click();
  // the download has taken the bytes once the click is handled
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** POST /api/tables/import: the file becomes a new table of this player's. */
export async function importTableFile(file: Blob, token: string): Promise<ImportedTable> {
  const response = await call('/api/tables/import', { method: 'POST', headers: { ...bearer(token), 'content-type': TABLE_FILE_MEDIA_TYPE }, body: file }, 'the import');
  const parsed = importedSchema.safeParse(await response.json().catch(() => null));
  if (!parsed.success) throw new TableError('internal', 'the server answered the import oddly');
  return parsed.data;
}

/** DELETE /api/sessions/:id/pdfs/:pdfId (host): the book and its layers go for everyone. */
export async function removeBook(sessionId: string, pdfId: string, token: string): Promise<void> {
  await call(`/api/sessions/${encodeURIComponent(sessionId)}/pdfs/${encodeURIComponent(pdfId)}`, { method: 'DELETE', headers: bearer(token) }, 'removing the book');
}
