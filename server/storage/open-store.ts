import type { Config } from '../config';
import type { Logger } from '../logger';
import { MemorySessionStore } from './memory-store';
import type { SessionStore } from './session-store';
import { SqliteSessionStore } from './sqlite/sqlite-store';

/** The session store the configuration asks for; throws a StorageError when it cannot be used. */
export function openStore(config: Config['storage'], logger: Logger): SessionStore {
  if (config.kind === 'memory') {
    logger.warn('STORAGE=memory: sessions are lost when the server stops');
    return new MemorySessionStore();
  }
  const store = SqliteSessionStore.open(config);
  logger.info({ file: config.file, synchronous: config.sync, migrated: store.migrated }, 'database open');
  return store;
}
