import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { ProtocolError, type ErrorCode } from '../../shared/errors';
import type { Logger } from '../logger';
import type { HttpMetrics } from '../metrics/metrics';

/** The HTTP status of each contract error code. */
const STATUS: Record<ErrorCode, number> = {
  'invalid-payload': 400,
  unauthorized: 401,
  forbidden: 403,
  'not-in-session': 403,
  'not-host': 403,
  'unknown-session': 404,
  'not-found': 404,
  'version-conflict': 409,
  'too-large': 413,
  'unsupported-media-type': 415,
  'rate-limited': 429,
  'not-in-instance': 403,
  'discord-unavailable': 503,
  internal: 500,
};

/**
 * Answers a ProtocolError as `{ error: { code, message } }` with its status; anything else goes on
 * to the app's own error handler. A request refused before its body was read (an upload over the
 * limit, from a non-host) is drained so the client can read the answer, and the connection closed.
 */
export function protocolErrors(logger: Logger): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (!(error instanceof ProtocolError)) {
      next(error);
      return;
    }
    logger.debug({ path: req.path, code: error.code }, error.message);
    markRefused(req, res, error.code);
    if (!req.complete) {
      res.set('Connection', 'close');
      req.resume();
    }
    if (res.headersSent) return;
    const retryAfter = retryAfterOf(error);
    if (retryAfter !== undefined) res.set('Retry-After', String(retryAfter));
    res.status(STATUS[error.code]).json({ error: error.toBody() });
  };
}

/** Answers `{ error: { code, message } }` with the code's status, counted as a refusal. */
export function refuse(req: Request, res: Response, code: ErrorCode, message: string): void {
  markRefused(req, res, code);
  res.status(STATUS[code]).json({ error: { code, message } });
}

interface Refusal {
  route: string;
  code: ErrorCode;
}

/**
 * Names the answer a refusal with `code`, counted once it is sent (countRefusals). The route is
 * read now, while the router knows which one matched: its pattern (`/api/sessions/:sessionId/pdfs`),
 * so the label has one value per route, not per table.
 */
export function markRefused(req: Request, res: Response, code: ErrorCode): void {
  const pattern: unknown = (req.route as { path?: unknown } | undefined)?.path;
  const refusal: Refusal = { route: `${req.method} ${typeof pattern === 'string' ? pattern : 'unrouted'}`, code };
  res.locals.refusal = refusal;
}

/** Counts every HTTP answer that was a refusal, by route and code, once it is sent. */
export function countRefusals(metrics: HttpMetrics): RequestHandler {
  return (_req, res, next) => {
    res.once('finish', () => {
      const refusal = res.locals.refusal as Refusal | undefined;
      if (refusal) metrics.refused(refusal.route, refusal.code);
    });
    next();
  };
}

/** Whole seconds to wait before asking again, when the error knows it (Discord's 429, passed on). */
function retryAfterOf(error: ProtocolError): number | undefined {
  const seconds: unknown = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
  return typeof seconds === 'number' && Number.isInteger(seconds) && seconds >= 0 ? seconds : undefined;
}
