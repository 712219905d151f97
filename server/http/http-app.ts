import express, { type ErrorRequestHandler, type Express, type RequestHandler, type Router } from 'express';
import { guestLoginSchema } from '../../shared/protocol';
import type { Logger } from '../logger';
import type { HttpMetrics } from '../metrics/metrics';
import { countRefusals, markRefused, refuse } from './http-errors';
import { securityHeaders } from './security-headers';
import { serveActivity } from './static-assets';
import type { TokenService } from '../auth/tokens';
import { randomBytes } from 'node:crypto';

export interface HttpAppOptions {
  tokens: TokenService;
  logger: Logger;
  activityDist: string;
  isReady: () => boolean;
  /** Whether each engine the node depends on answers now: `up` or `down`, by name. */
  engines: () => Promise<Record<string, EngineState>>;
  /** More API routes (the PDFs), mounted ahead of the API's 404. */
  routes: Router;
  /** Refuses guest token floods from one address. */
  guestLimit: RequestHandler;
  /** The node's metrics for GET /metrics, in Prometheus' text format. */
  metrics: () => Promise<{ contentType: string; body: string }>;
  /** Counts the requests refused, by route and error code. */
  refusals: HttpMetrics;
}

export type EngineState = 'up' | 'down';

/** The HTTP side: health, guest identity, and the built activity. */
export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(countRefusals(options.refusals));
  app.use(securityHeaders());

  // ready means the node takes connections; an engine that is down degrades it without taking it
  // out of a load balancer: the other nodes share the same engines
  app.get('/healthz', async (_req, res) => {
    const engines = await options.engines();
    const ok = options.isReady();
    const status = !ok ? 'starting' : Object.values(engines).every((state) => state === 'up') ? 'ok' : 'degraded';
    res.status(ok ? 200 : 503).json({ ok, status, engines });
  });

  app.get('/metrics', async (_req, res) => {
    const { contentType, body } = await options.metrics();
    res.type(contentType).send(body);
  });

  app.post('/api/auth/guest', options.guestLimit, express.json({ limit: '4kb' }), (req, res) => {
    const parsed = guestLoginSchema.safeParse(req.body);
    if (!parsed.success) {
      refuse(req, res, 'invalid-payload', 'send { "name": "..." } (1 to 64 characters)');
      return;
    }
    const user = { id: `guest:${randomBytes(9).toString('base64url')}`, name: parsed.data.name };
    const token = options.tokens.issue({ sub: user.id, name: user.name, kind: 'guest' });
    res.json({ token, user });
  });

  app.use(options.routes);
  serveActivity(app, options.activityDist);
  app.use('/api', (req, res) => refuse(req, res, 'not-found', 'no such API route'));
  app.use(jsonErrors(options.logger));
  return app;
}

function jsonErrors(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const status = typeof error?.status === 'number' && error.status < 500 ? error.status : 500;
    if (status >= 500) logger.error({ err: error, path: req.path }, 'request failed');
    const code = status === 413 ? 'too-large' : status < 500 ? 'invalid-payload' : 'internal';
    markRefused(req, res, code);
    res.status(status).json({ error: { code, message: status < 500 ? String(error.message) : 'internal error' } });
  };
}
