import { loadConfig } from '../../server/config';
import { createLogger } from '../../server/logger';
import { openStorage, type Storage } from '../../server/storage/open-store';
import { testDatabase } from './postgres';
import { tempDir } from './temp-dir';

/** One engine of the storage contract: where its stores are kept, and how to open them there. */
export interface StoreEngine {
  name: 'memory' | 'SQLite' | 'PostgreSQL';
  /** A new, empty place (a folder, a database); opening it twice opens the same data, where kept. */
  place(): Promise<() => Promise<Storage>>;
  /** A store opened again on the same place finds what the first one stored (a restart). */
  durable: boolean;
  /** Session data lives in rows that go with their session and need it (SQL foreign keys). */
  cascades: boolean;
}

const logger = createLogger('silent');
const SECRET = 'a-test-secret-of-at-least-32-characters';

/** Settings of `npm start`, as the real server reads them, for the engine at `env`. */
async function opener(env: Record<string, string>): Promise<() => Promise<Storage>> {
  const dataDir = await tempDir('gamebook-contract-');
  const config = loadConfig({ DATA_DIR: dataDir, SESSION_SECRET: SECRET, PDF_UPLOAD_GRACE_SECONDS: '0', ...env });
  return () => openStorage(config.storage, logger);
}

export const STORE_ENGINES: readonly StoreEngine[] = [
  { name: 'memory', durable: false, cascades: false, place: () => opener({ STORAGE: 'memory' }) },
  { name: 'SQLite', durable: true, cascades: true, place: () => opener({ STORAGE: 'sqlite' }) },
  {
    name: 'PostgreSQL',
    durable: true,
    cascades: true,
    place: async () => opener({ STORAGE: 'postgres', DATABASE_URL: await testDatabase() }),
  },
];
