import { Router, type Request } from 'express';
import { ProtocolError } from '../../shared/errors';
import { pdfIdSchema, TableServerEvent, type PdfData, type PdfLink, type PdfRemoved, type Sender } from '../../shared/layers-protocol';
import { sessionIdSchema } from '../../shared/protocol';
import type { AccessLinks } from './access-links';
import type { GameSession } from '../sessions/game-session';
import { requireUser, userOf } from './http-auth';
import { protocolErrors } from './http-errors';
import { sessionIdOf } from './http-params';
import { requireStaff } from '../sessions/role-rules';
import { readerOf } from './reader-auth';
import type { Logger } from '../logger';
import { sendPdfBytes } from '../table/pdf-range';
import { receivePdf, type ReceivedPdf } from '../table/pdf-upload';
import type { SessionChannel } from '../sessions/session-channel';
import type { SessionRegistry } from '../sessions/session-registry';
import type { PdfBytes } from '../storage/pdf-bytes';
import type { PdfStore } from '../storage/pdf-store';
import type { TokenService } from '../auth/tokens';

export interface PdfRoutesOptions {
  registry: SessionRegistry;
  channel: SessionChannel;
  tokens: TokenService;
  links: AccessLinks;
  files: PdfBytes;
  store: PdfStore;
  maxPdfBytes: number;
  /** Deletes the bytes no record names any more (after a book is removed). */
  collect: () => Promise<unknown>;
  logger: Logger;
}

/**
 * Content-addressed and never changed: a reader may keep it for good. `private` because only
 * members may read it; `no-transform` so no proxy on the way compresses it, which would break
 * byte ranges.
 */
const CACHE_CONTROL = 'private, max-age=31536000, immutable, no-transform';

/** The PDFs of a session over HTTP: upload and removal by the host and game masters, reads by members, viewer links. */
export function createPdfRoutes(options: PdfRoutesOptions): Router {
  const router = Router();
  const auth = requireUser(options.tokens);

  router.post('/api/sessions/:sessionId/pdfs', auth, async (req, res) => {
    const user = userOf(res);
    const session = await options.registry.get(sessionIdOf(req));
    requireStaff(session.table.roles, user.id, 'add books');
    const received = await receivePdf(req, options.files, options.maxPdfBytes);
    try {
      const { pdf, added } = await session.exclusive(() => addPdf(session, received, user, options));
      res.status(added ? 201 : 200).json(pdf);
    } finally {
      // recorded (or refused): from now on the collector goes by the records
      received.release();
    }
  });

  router.get('/api/sessions/:sessionId/pdfs/:pdfId', async (req, res) => {
    // who asks, before the session is looked up: a stranger learns nothing of which tables exist
    const reader = pdfReaderOf(req, options);
    const session = await options.registry.get(sessionIdOf(req));
    const pdf = memberPdf(session, reader, pdfIdOf(req));
    const etag = `"${pdf.sha256}"`;
    res.set({ ETag: etag, 'Cache-Control': CACHE_CONTROL, 'Content-Type': 'application/pdf', 'Content-Disposition': inlineDisposition(pdf.name) });
    // answered here: send would ignore If-None-Match when the request also says no-cache, as fetch() does
    if (matchesEtag(req.get('if-none-match'), etag)) {
      res.status(304).end();
      return;
    }
    await sendPdfBytes(req, res, options.files, { sha256: pdf.sha256, size: pdf.size, etag }, options.logger);
  });

  router.delete('/api/sessions/:sessionId/pdfs/:pdfId', auth, async (req, res) => {
    const session = await options.registry.get(sessionIdOf(req));
    requireStaff(session.table.roles, userOf(res).id, 'remove a book');
    await session.exclusive(() => removePdf(session, pdfIdOf(req), options));
    res.status(204).end();
    // the bytes go as for an expired table: when no record of any table names them
    options.collect().catch((error: unknown) => options.logger.error({ err: error }, 'could not collect PDF files'));
  });

  router.post('/api/sessions/:sessionId/pdfs/:pdfId/link', auth, async (req, res) => {
    const session = await options.registry.get(sessionIdOf(req));
    const pdf = memberPdf(session, userOf(res).id, pdfIdOf(req));
    const { access, expiresAt } = options.links.issue({ userId: userOf(res).id, sessionId: session.id, resource: pdf.id });
    res.json({ url: `${pdf.url}?access=${encodeURIComponent(access)}`, expiresAt } satisfies PdfLink);
  });

  router.use(protocolErrors(options.logger));
  return router;
}

/**
 * `inline` (the viewer shows it; a download keeps its name) with the name in both RFC 6266 forms:
 * a quoted ASCII fallback, nothing in it able to end the quotes, and the exact name in UTF-8.
 */
function inlineDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const exact = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `inline; filename="${fallback}"; filename*=UTF-8''${exact}`;
}

/** RFC 9110 If-None-Match: weak comparison against any of the listed tags, or `*`. */
function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed === etag || trimmed === `W/${etag}`;
  });
}

function pdfIdOf(req: Request): string {
  const parsed = pdfIdSchema.safeParse(req.params.pdfId);
  if (!parsed.success) throw new ProtocolError('not-found', 'the session has no such PDF');
  return parsed.data;
}

/** The PDF `pdfId` of the session, when `userId` is one of its members. */
function memberPdf(session: GameSession, userId: string, pdfId: string): PdfData {
  if (!session.isMember(userId)) throw new ProtocolError('not-in-session', 'only members of the session may read its PDFs');
  const pdf = session.table.pdf(pdfId);
  if (!pdf) throw new ProtocolError('not-found', 'the session has no such PDF');
  return pdf;
}

/** Who reads a PDF: the bearer of a token, or of an `?access=` link made for this session and PDF. */
function pdfReaderOf(req: Request, options: PdfRoutesOptions): string {
  const sessionId = sessionIdSchema.safeParse(req.params.sessionId);
  const pdfId = pdfIdSchema.safeParse(req.params.pdfId);
  return readerOf(req, options, sessionId.success && pdfId.success ? { sessionId: sessionId.data, resource: pdfId.data } : null);
}

/** The book goes from the store (with its pages' layers), then from the table, then from everyone's screen. */
async function removePdf(session: GameSession, pdfId: string, options: PdfRoutesOptions): Promise<void> {
  if (!session.table.pdf(pdfId)) throw new ProtocolError('not-found', 'the session has no such PDF');
  try {
    await options.store.removePdf(session.id, pdfId);
  } catch (error) {
    options.logger.error({ err: error, sessionId: session.id, pdfId }, 'could not remove a PDF record');
    throw new ProtocolError('internal', 'the book could not be removed; try again');
  }
  session.table.removePdf(pdfId);
  session.recordUsage();
  options.channel.broadcast(session.id, TableServerEvent.pdfRemoved, { pdfId } satisfies PdfRemoved);
  options.channel.share(session.id, { kind: 'pdf-removed', pdfId });
}

async function addPdf(
  session: GameSession,
  received: ReceivedPdf,
  user: Sender,
  options: PdfRoutesOptions,
): Promise<{ pdf: PdfData; added: boolean }> {
  const existing = session.table.pdf(received.sha256);
  if (existing) return { pdf: existing, added: false };
  const record = { id: received.sha256, name: received.name, size: received.size, sha256: received.sha256, addedBy: user.id, addedAt: Date.now() };
  try {
    await options.store.addPdf(session.id, record);
  } catch (error) {
    options.logger.error({ err: error, sessionId: session.id, sha256: record.sha256 }, 'could not store a PDF record');
    throw new ProtocolError('internal', 'the PDF could not be added; try again');
  }
  const pdf = session.table.addPdf(record);
  options.channel.broadcast(session.id, TableServerEvent.pdfAdded, pdf);
  options.channel.share(session.id, { kind: 'pdf', record });
  return { pdf, added: true };
}
