import { loadConfig } from './config';
import { createLogger } from './logger';
import { startServer, type RunningServer } from './server';
import { openStorage } from './storage/open-store';

const config = loadConfig();
const logger = createLogger(config.logLevel);

async function start(): Promise<RunningServer> {
  const storage = await openStorage(config.storage, logger);
  try {
    return await startServer(config, storage.sessions, logger, storage);
  } catch (error) {
    await storage.sessions.close();
    throw error;
  }
}

const server = await start().catch((error: unknown) => {
  const code = (error as { code?: unknown } | null)?.code;
  logger.fatal({ err: error, code }, `could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

/**
 * A store that stops answering (a network dropping PostgreSQL's packets) would hold a stop
 * forever, waiting for commits in flight. Past the grace the process exits anyway: an update
 * not yet committed was not acknowledged, and its client sends it again once reconnected.
 */
function exitAfterGrace(): void {
  setTimeout(() => {
    logger.error({ graceMs: config.stopGraceMs }, 'still stopping after STOP_GRACE_SECONDS (the store does not answer?): exiting; updates not yet committed were not acknowledged');
    process.exit(1);
  }, config.stopGraceMs).unref();
}

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    exitAfterGrace();
    server.close().then(
      () => {
        logger.info('stopped cleanly');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'unclean stop');
        process.exit(1);
      },
    );
  });
}
