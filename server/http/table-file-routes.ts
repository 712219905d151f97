import { Router, type Request, type Response } from 'express';
import { ProtocolError } from '../../shared/errors';
import { sessionIdSchema } from '../../shared/protocol';
import { IMPORT_PROGRESS_MEDIA_TYPE, TABLE_FILE_MEDIA_TYPE, type ImportLine, type TableFileLink } from '../../shared/table-file';
import type { Logger } from '../logger';
import type { SessionRegistry } from '../sessions/session-registry';
import { exportHeader, writeTableFile } from '../table/table-export';
import { importTable, type TableImportOptions } from '../table/table-import';
import { TABLE_FILE_RESOURCE } from './access-links';
import { requireUser, userOf } from './http-auth';
import { protocolErrors } from './http-errors';
import { sessionIdOf } from './http-params';
import { readerOf, type ReaderAuth } from './reader-auth';

export interface TableFileRoutesOptions extends TableImportOptions, ReaderAuth {
  registry: SessionRegistry;
  /** Counts a table made by an import against the creation limits; throws `rate-limited`. */
  takeTable: (req: Request, userId: string) => void;
  logger: Logger;
}

/** A table's data as one file (docs/table-file.md): export by a member, import as a new table. */
export function createTableFileRoutes(options: TableFileRoutesOptions): Router {
  const router = Router();
  const auth = requireUser(options.tokens);

  // a link, so that the browser downloads the stream to disk itself instead of a page holding it
  router.post('/api/sessions/:sessionId/export-link', auth, async (req, res) => {
    const { id: userId } = userOf(res);
    const session = await options.registry.get(sessionIdOf(req));
    if (!session.isMember(userId)) throw new ProtocolError('not-in-session', 'only members of the table may export it');
    const { access, expiresAt } = options.links.issue({ userId, sessionId: session.id, resource: TABLE_FILE_RESOURCE });
    res.json({ url: `/api/sessions/${encodeURIComponent(session.id)}/export?access=${encodeURIComponent(access)}`, expiresAt } satisfies TableFileLink);
  });

  router.get('/api/sessions/:sessionId/export', async (req, res) => {
    // who asks, before the session is looked up: a stranger learns nothing of which tables exist
    const sessionId = sessionIdSchema.safeParse(req.params.sessionId);
    const userId = readerOf(req, options, sessionId.success ? { sessionId: sessionId.data, resource: TABLE_FILE_RESOURCE } : null);
    const session = await options.registry.get(sessionIdOf(req));
    if (!session.isMember(userId)) throw new ProtocolError('not-in-session', 'only members of the table may export it');
    // in the session's turn: the state, layers and books of one moment
    const header = await session.exclusive(() => exportHeader(session, { userId, role: session.roleOf(userId) }));
    res.set({
      'Content-Type': TABLE_FILE_MEDIA_TYPE,
      'Content-Disposition': `attachment; filename="table-${session.id}.gbtable"`,
      'Cache-Control': 'no-store',
    });
    try {
      await writeTableFile(res, header, options.files);
    } catch (error) {
      // the status line is gone already: a cut-off body is what the reader sees
      options.logger.error({ err: error, sessionId: session.id }, 'table export failed');
      res.destroy();
    }
  });

  router.post('/api/tables/import', auth, async (req, res) => {
    if (!req.is([TABLE_FILE_MEDIA_TYPE, 'application/octet-stream'])) {
      throw new ProtocolError('unsupported-media-type', `send the table file as ${TABLE_FILE_MEDIA_TYPE}`);
    }
    const host = userOf(res);
    options.takeTable(req, host.id);
    if (req.get('accept') === IMPORT_PROGRESS_MEDIA_TYPE) return importWithProgress(req, res, options);
    const imported = await importTable(req, host, options);
    res.status(201).json(imported);
  });

  router.use(protocolErrors(options.logger));
  return router;
}

/**
 * The import answered as it goes (docs/table-file.md): `200` at once, then one JSON line per
 * step, then `{ imported }` or `{ error }`. A refusal comes in the body: the status is sent already.
 */
async function importWithProgress(req: Request, res: Response, options: TableFileRoutesOptions): Promise<void> {
  res.status(200).set({ 'Content-Type': IMPORT_PROGRESS_MEDIA_TYPE, 'Cache-Control': 'no-store' });
  res.flushHeaders();
  const say = (line: ImportLine) => res.write(`${JSON.stringify(line)}\n`);
  try {
    say({ imported: await importTable(req, userOf(res), options, say) });
  } catch (error) {
    if (!(error instanceof ProtocolError)) options.logger.error({ err: error }, 'table import failed');
    say({ error: error instanceof ProtocolError ? error.toBody() : { code: 'internal', message: 'the import failed on the server' } });
    // the rest of a refused file is read and dropped, so the browser's upload ends and it reads the answer
    if (!req.complete) req.resume();
  }
  res.end();
}
