import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { loadConfig } from '../../server/config';
import { createLogger } from '../../server/logger';
import { startServer, type RunningServer } from '../../server/server';
import { openStorage } from '../../server/storage/open-store';
import type { UpdateGameStateAck } from '../../shared/protocol';
import { withBenchDatabase } from '../processes/bench-database';
import { percentile, type BenchTable } from '../report';

const SECONDS_PER_CELL = 2;
/** Updates each client keeps in flight: a busy table, not a flood. */
const WINDOW = 8;

interface StoreSetup {
  label: string;
  env: Record<string, string>;
}

const STORES: StoreSetup[] = [
  { label: 'memory (baseline)', env: { STORAGE: 'memory' } },
  { label: 'SQLite, synchronous=full (default)', env: { STORAGE: 'sqlite', SQLITE_SYNCHRONOUS: 'full' } },
  { label: 'SQLite, synchronous=normal', env: { STORAGE: 'sqlite', SQLITE_SYNCHRONOUS: 'normal' } },
  // a database of its own on the machine's PostgreSQL (127.0.0.1:5432), made for the row and dropped after
  { label: 'PostgreSQL, local, pool of 10', env: { STORAGE: 'postgres', SESSION_SECRET: 'a-bench-secret-of-at-least-32-characters' } },
];

/** One bench user drives every socket and table: the per-socket and per-user limits would measure themselves. */
const UNLIMITED = Object.fromEntries(
  ['UPDATES_PER_SECOND', 'UPDATES_BURST', 'USER_UPDATES_PER_SECOND', 'USER_UPDATES_BURST', 'SOCKETS_PER_USER', 'SOCKETS_PER_ADDRESS', 'TABLES_PER_USER_PER_HOUR', 'TABLES_PER_ADDRESS_PER_HOUR'].map(
    (key) => [key, '1000000'],
  ),
);

const SCENARIOS = [
  { label: '1 session, 1 client', sessions: 1 },
  { label: '32 sessions, 1 client each', sessions: 32 },
];

interface Measured {
  perSecond: number;
  latencies: number[];
}

/** Acknowledged update-game-state per second over real sockets, each store against memory in this run. */
export async function durabilitySuite(): Promise<BenchTable[]> {
  const rows: Array<Array<string | number>> = [];
  for (const scenario of SCENARIOS) {
    let baseline: number | undefined;
    for (const store of STORES) {
      const result = await withServer(store.env, (server) => measure(server, scenario.sessions));
      baseline ??= result.perSecond;
      const sorted = result.latencies.sort((a, b) => a - b);
      rows.push([scenario.label, store.label, Math.round(result.perSecond), result.perSecond / baseline, percentile(sorted, 50), percentile(sorted, 99)]);
    }
  }
  return [
    {
      title: 'Durability: acknowledged updates per second',
      description: `Real Socket.IO clients in the same process, ${WINDOW} updates in flight each, ${SECONDS_PER_CELL} s per row; an update counts once its ack arrives, i.e. once committed. Ratio against the memory store of the same scenario in the same run.`,
      columns: ['scenario', 'store', 'acked updates/s', 'ratio vs memory', 'ack p50 ms', 'ack p99 ms'],
      rows,
    },
  ];
}

async function withServer<T>(storeEnv: Record<string, string>, run: (server: RunningServer) => Promise<T>): Promise<T> {
  if (storeEnv.STORAGE !== 'postgres') return withServerOn(storeEnv, run);
  return withBenchDatabase((url) => withServerOn({ ...storeEnv, DATABASE_URL: url }, run));
}

async function withServerOn<T>(env: Record<string, string>, run: (server: RunningServer) => Promise<T>): Promise<T> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'gamebook-bench-'));
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...UNLIMITED, ...env });
  const logger = createLogger(config.logLevel);
  const storage = await openStorage(config.storage, logger);
  const server = await startServer(config, storage.sessions, logger, storage);
  try {
    return await run(server);
  } finally {
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function measure(server: RunningServer, sessions: number): Promise<Measured> {
  const token = server.tokens.issue({ sub: 'bench', name: 'bench', kind: 'guest' });
  const sockets = await Promise.all(Array.from({ length: sessions }, () => joinedSocket(server.url, token)));
  const latencies: number[] = [];
  let acked = 0;
  let running = true;
  const started = performance.now();
  const loops = sockets.map((socket) =>
    Promise.all(Array.from({ length: WINDOW }, async (_, lane) => {
      for (let n = lane; running; n += WINDOW) {
        const sent = performance.now();
        const ack = (await socket.emitWithAck('update-game-state', { updates: { [`k${n % 64}`]: n } })) as UpdateGameStateAck;
        if (!ack.ok) throw new Error(`update refused: ${ack.error.code} ${ack.error.message}`);
        latencies.push(performance.now() - sent);
        acked++;
      }
    })),
  );
  await new Promise((resolve) => setTimeout(resolve, SECONDS_PER_CELL * 1000));
  running = false;
  const elapsed = (performance.now() - started) / 1000;
  const ackedInTime = acked;
  await Promise.all(loops);
  for (const socket of sockets) socket.close();
  return { perSecond: ackedInTime / elapsed, latencies };
}

async function joinedSocket(url: string, token: string): Promise<Socket> {
  const socket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  const created = await socket.emitWithAck('create-session');
  await socket.emitWithAck('join-session', created.sessionId);
  return socket;
}
