import { loadConfig } from '../../server/config';
import { createLogger } from '../../server/logger';
import { startServer } from '../../server/server';
import { openStorage } from '../../server/storage/open-store';

/**
 * `npm start`, except that each update's commit to the store starts COMMIT_DELAY_MS late: the
 * window between an update's relay and its commit, held open long enough for a test to kill the
 * process inside it (tests/crash.test.ts, C10).
 */
const config = loadConfig();
const logger = createLogger(config.logLevel);
const storage = await openStorage(config.storage, logger);
const delayMs = Number(process.env.COMMIT_DELAY_MS ?? 0);
const append = storage.sessions.appendUpdates.bind(storage.sessions);
storage.sessions.appendUpdates = async (...args: Parameters<typeof append>) => {
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  return append(...args);
};
await startServer(config, storage.sessions, logger, storage);
