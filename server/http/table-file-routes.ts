import { Router, type Request } from 'express';
import { ProtocolError } from '../../shared/errors';
import { TABLE_FILE_MEDIA_TYPE } from '../../shared/table-file';
import type { Logger } from '../logger';
import type { SessionRegistry } from '../sessions/session-registry';
import type { TokenService } from '../auth/tokens';
import { exportHeader, writeTableFile } from '../table/table-export';
import { importTable, type TableImportOptions } from '../table/table-import';
import { requireUser, userOf } from './http-auth';
import { protocolErrors } from './http-errors';
import { sessionIdOf } from './http-params';

export interface TableFileRoutesOptions extends TableImportOptions {
  registry: SessionRegistry;
  tokens: TokenService;
  /** Counts a table made by an import against the creation limits; throws `rate-limited`. */
  takeTable: (req: Request, userId: string) => void;
  logger: Logger;
}

/** A table's data as one file (docs/table-file.md): export by a member, import as a new table. */
export function createTableFileRoutes(options: TableFileRoutesOptions): Router {
  const router = Router();
  const auth = requireUser(options.tokens);

  router.get('/api/sessions/:sessionId/export', auth, async (req, res) => {
    const { id: userId } = userOf(res);
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
    const imported = await importTable(req, host, options);
    res.status(201).json(imported);
  });

  router.use(protocolErrors(options.logger));
  return router;
}
