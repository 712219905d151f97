import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDiffer } from '../shared/diff';
import type { Config } from './config';
import { createHttpApp } from './http-app';
import type { Logger } from './logger';
import { Housekeeping } from './housekeeping';
import { loadSecret } from './secret';
import { SessionRegistry } from './session-registry';
import { createGateway } from './socket-gateway';
import type { SessionDependent } from './storage/session-dependent';
import type { SessionStore } from './storage/session-store';
import { TokenService } from './tokens';

export interface RunningServer {
  url: string;
  port: number;
  tokens: TokenService;
  registry: SessionRegistry;
  housekeeping: Housekeeping;
  /**
   * Stops taking updates, lets what is in flight commit and be acknowledged, closes the sockets,
   * then flushes and closes the store.
   */
  close(): Promise<void>;
}

export interface ServerExtras {
  /** Per-session data kept elsewhere (layers, PDFs), removed when a session expires. */
  dependents?: SessionDependent[];
}

/** Wires the product together on one HTTP port: API, sockets and the activity. */
export async function startServer(
  config: Config,
  store: SessionStore,
  logger: Logger,
  extras: ServerExtras = {},
): Promise<RunningServer> {
  const tokens = new TokenService(await loadSecret(config.dataDir, config.sessionSecret));
  let ready = false;
  const app = createHttpApp({ tokens, logger, activityDist: config.activityDist, isReady: () => ready });
  const httpServer = createServer(app);
  const maxMessageBytes = 2 * config.limits.maxUpdateBytes + 64 * 1024;
  const gateway = createGateway(httpServer, { tokens, logger, maxMessageBytes });
  const differ = createDiffer({ maxArrayDiffCells: config.limits.maxArrayDiffCells });
  const registry = new SessionRegistry({ store, channel: gateway.channel, limits: config.limits, differ, logger });
  gateway.attach({ registry, logger, rates: config.rates });
  const housekeeping = new Housekeeping(registry, store, extras.dependents ?? [], config.housekeeping, logger);

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, resolve);
  });
  ready = true;
  const { port } = httpServer.address() as AddressInfo;
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  housekeeping.start();
  logger.info({ port, dataDir: config.dataDir }, 'Gamebook Studio is serving');

  const close = async () => {
    ready = false;
    registry.stop();
    await housekeeping.stop();
    // the sockets stay open meanwhile, so what was in flight is acknowledged to its sender
    await registry.drain();
    await new Promise<void>((resolve) => gateway.io.close(() => resolve()));
    await store.close();
  };
  return { url: `http://${host}:${port}`, port, tokens, registry, housekeeping, close };
}
