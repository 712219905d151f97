import { loadConfig } from './config';
import { createLogger } from './logger';
import { startServer } from './server';
import { MemorySessionStore } from './storage/memory-store';

const config = loadConfig();
const logger = createLogger(config.logLevel);

const server = await startServer(config, new MemorySessionStore(), logger).catch((error: unknown) => {
  logger.fatal({ err: error }, 'could not start');
  process.exit(1);
});

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'unclean stop');
        process.exit(1);
      },
    );
  });
}
