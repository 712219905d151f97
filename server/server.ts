import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Router } from 'express';
import { createDiffer } from '../shared/diff';
import type { Config } from './config';
import { openCluster } from './cluster/open-cluster';
import { createDiscordApp } from './discord/discord-app';
import { createHttpApp, type EngineState } from './http/http-app';
import type { Logger } from './logger';
import { AccessLinks } from './http/access-links';
import { Housekeeping } from './sessions/housekeeping';
import { PdfFileCollector } from './table/pdf-file-collector';
import { PdfFiles } from './storage/files/pdf-files';
import type { PdfBytes, PdfReferences } from './storage/pdf-bytes';
import type { PdfStore } from './storage/pdf-store';
import { createPdfRoutes } from './http/pdf-routes';
import { createTableFileRoutes } from './http/table-file-routes';
import { loadSecret } from './auth/secret';
import { SessionRegistry } from './sessions/session-registry';
import { TableLoader } from './sessions/session-table';
import { createGateway } from './transport/socket-gateway';
import { followControl } from './transport/control-follow';
import type { SessionDependent } from './storage/session-dependent';
import type { SessionStore } from './storage/session-store';
import { memoryTableStores, type TableStores } from './storage/table-stores';
import { TableUsage } from './limits/table-usage';
import { TokenService } from './auth/tokens';
import { createIdentityRoutes } from './http/identity-routes';
import { UserLimits } from './transport/user-limits';
import { PrometheusMetrics } from './metrics/prometheus-metrics';
import { TimedSessionStore } from './metrics/timed-store';

export interface RunningServer {
  url: string;
  port: number;
  tokens: TokenService;
  registry: SessionRegistry;
  housekeeping: Housekeeping;
  /** What GET /metrics shows; the cross-node fan-out reports its lag here. */
  metrics: PrometheusMetrics;
  /**
   * Stops taking updates, lets what is in flight commit and be acknowledged, closes the sockets,
   * then flushes and closes the store.
   */
  close(): Promise<void>;
}

export interface ServerExtras {
  /** Per-session data kept elsewhere (layers, PDFs), removed when a session expires. */
  dependents?: SessionDependent[];
  /** Where layers, PDF records and views live; in memory (with their dependents) unless given. */
  tableStores?: TableStores;
  /** Where PDF bytes live; unless given, files in DATA_DIR/pdfs, kept while `tableStores.pdfs` names them. */
  pdfBytes?: PdfBytes;
}

const HTTP_GRACE_MS = 2000;

/** Wires the product together on one HTTP port: API, sockets and the activity. */
export async function startServer(
  config: Config,
  store: SessionStore,
  logger: Logger,
  extras: ServerExtras = {},
): Promise<RunningServer> {
  const given = extras.tableStores;
  const { tableStores, dependents: tableDependents } = given ? { tableStores: given, dependents: [] } : memoryTableStores();
  const secret = await loadSecret(config.dataDir, config.sessionSecret);
  const tokens = new TokenService(secret);
  const files = extras.pdfBytes ?? new PdfFiles(path.join(config.dataDir, 'pdfs'), referencesOf(tableStores.pdfs));
  await files.init();
  const collector = new PdfFileCollector(files, logger);
  // files a crash or a failed record left behind; the records are gone with their sessions already
  await collector.collect();
  // in this order: the records of expired sessions go before the files are checked against them
  const usage = new TableUsage(config.usage);
  const dependents = [...tableDependents, ...(extras.dependents ?? []), usage, collector];
  const userLimits = new UserLimits(config.users);
  const metrics = new PrometheusMetrics(config.nodeId);
  const cluster = await openCluster(config.cluster, store, logger, metrics);
  let ready = false;
  // filled in below (PDFs, Discord), once the registry exists: the app must be built first, ahead of Socket.IO
  const apiRoutes = Router();
  const app = createHttpApp({
    tokens,
    logger,
    activityDist: config.activityDist,
    isReady: () => ready,
    engines: async () => ({ storage: await stateOf(store), ...cluster.engines() }),
    routes: apiRoutes,
    guestLimit: userLimits.guestCreation,
    metrics: () => metrics.exposition(),
    refusals: metrics,
  });
  const httpServer = createServer(app);
  // a binary update-layers may come nearly uncompressed
  const maxMessageBytes = 2 * Math.max(config.limits.maxUpdateBytes, config.layers.maxLayerBytes) + 64 * 1024;
  const gateway = createGateway(httpServer, { tokens, logger, maxMessageBytes, maxUpdateBytes: config.limits.maxUpdateBytes, sockets: config.sockets, cluster, metrics });
  // after the gateway's own authentication, which names the user
  gateway.io.use(userLimits.admitSocket);
  const differ = createDiffer({ maxArrayDiffCells: config.limits.maxArrayDiffCells });
  const tables = new TableLoader(tableStores, config.layers);
  const { channel } = gateway;
  const timedStore = new TimedSessionStore(store, metrics);
  const registry = new SessionRegistry({ store: timedStore, channel, limits: config.limits, differ, logger, usage }, tables, Date.now, cluster.keeper);
  metrics.watch({ tables: () => registry.loadedIds().size, sockets: () => gateway.io.of('/').sockets.size });
  const presence = gateway.attach(
    { registry, logger, tables, rates: config.rates },
    { registry, stores: tableStores, layers: config.layers, rates: config.rates, live: config.live },
    { registry, tables, claimAfterMs: config.roles.claimAfterMs, rates: config.rates },
  );
  cluster.start({
    held: (id) => registry.held(id),
    heldSessions: () => registry.heldSessions(),
    channel,
    refreshPresence: presence.refresh,
    control: followControl(gateway.io, tables),
    tables: tableStores,
  });
  const links = new AccessLinks(secret, config.pdfs.linkSeconds * 1000);
  apiRoutes.use(
    createPdfRoutes({ registry, channel, tokens, links, files, store: tableStores.pdfs, maxPdfBytes: config.pdfs.maxBytes, collect: () => collector.collect(), logger }),
  );
  apiRoutes.use(
    createTableFileRoutes({
      registry,
      tokens,
      links,
      stores: tableStores,
      files,
      maxHeaderBytes: tableFileHeaderBytes(config),
      maxPdfBytes: config.pdfs.maxBytes,
      collect: () => collector.collect(),
      takeTable: (req, userId) => userLimits.takeTableOf(req, userId),
      logger,
    }),
  );
  const codes = cluster.linkCodes(config.linkCodeMs);
  apiRoutes.use(createIdentityRoutes({ tokens, codes, linkLimit: userLimits.linkAttempts, logger }));
  const discord = createDiscordApp({ config, secret, tokens, registry, io: gateway.io, limits: userLimits, logger });
  apiRoutes.use(discord.routes);
  const housekeeping = new Housekeeping(registry, store, dependents, config.housekeeping, logger);

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
    await discord.stop();
    registry.stop();
    await housekeeping.stop();
    // the sockets stay open meanwhile, so what was in flight is acknowledged to its sender
    await registry.drain();
    // a browser may hold an HTTP request open (a PDF range read): it gets a moment, then is cut
    const cutOff = setTimeout(() => httpServer.closeAllConnections(), HTTP_GRACE_MS);
    await new Promise<void>((resolve) => gateway.io.close(() => resolve()));
    clearTimeout(cutOff);
    await cluster.close();
    await store.close();
  };
  return { url: `http://${host}:${port}`, port, tokens, registry, housekeeping, metrics, close };
}

/** A table file's header holds a whole state and all the layers, with room for the JSON around them. */
function tableFileHeaderBytes(config: Config): number {
  return config.limits.maxStateBytes + config.layers.maxSessionLayerBytes + 1024 * 1024;
}

/** The records that keep PDF files in DATA_DIR: only a store that tells without waiting can. */
function referencesOf(pdfs: PdfStore): PdfReferences {
  if ('isReferenced' in pdfs && typeof pdfs.isReferenced === 'function') return pdfs as PdfStore & PdfReferences;
  throw new Error('startServer: a PDF store that cannot tell synchronously which files it names needs extras.pdfBytes');
}

/** How long /healthz waits for the storage to answer before it counts it down. */
const PING_TIMEOUT_MS = 2000;

async function stateOf(store: SessionStore): Promise<EngineState> {
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer')), PING_TIMEOUT_MS).unref());
  return Promise.race([store.ping(), timeout]).then(
    () => 'up',
    () => 'down',
  );
}
