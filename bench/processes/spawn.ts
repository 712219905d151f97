import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SERVER_NODE_FLAGS } from '../../server/node-flags';
import type { CrowdPlan, CrowdResult } from './crowd-generator';
import type { LoopDelay } from './loop-delay';

export interface ProcessStats {
  eventLoopDelay: LoopDelay;
  rssBytes: number;
  heapUsedBytes: number;
  /** CPU time (user and system, every thread) since the last reset. */
  cpuMs: number;
  /** The event loop's thread's own CPU time since the last reset (NaN, null over IPC, off Linux). */
  mainThreadCpuMs: number;
  /** How long the event loop's thread waited for a CPU since the last reset (NaN, null over IPC, off Linux). */
  mainThreadWaitMs: number;
  /** Time from the reset to these stats, as the server saw them: far below the bench's window when its loop was too busy to read them. */
  windowMs: number;
}

/** A server of the crowd bench in a process of its own, with its event loop and memory watched. */
export interface WatchedServer {
  url: string;
  secret: string;
  stats(): Promise<ProcessStats>;
  resetStats(): void;
  stop(): Promise<void>;
}

/**
 * Every process of a bench runs with the server's Node flags: the servers as `npm start` runs
 * them, and the baselines and load generators on the same runtime settings.
 */
const TSX = [...SERVER_NODE_FLAGS, '--import', 'tsx', '--expose-gc'];

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function waitFor(url: string, child: ChildProcess): Promise<void> {
  // tsx compiles a TypeScript module (a relay, the monitor) at each start: on a loaded machine that alone can pass 20 s
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited with ${child.exitCode}`);
    const ok = await fetch(url).then((response) => response.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${url} did not answer`);
}

function ask<T>(child: ChildProcess, message: unknown): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (reply) => resolve(reply as T));
    child.send(message as object);
  });
}

async function watched(module: string, env: Record<string, string>, readyPath: string): Promise<WatchedServer> {
  const port = await freePort();
  // the nodes of one cluster share theirs
  const secret = env.SESSION_SECRET ?? randomBytes(24).toString('base64url');
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'gamebook-crowd-'));
  const child = fork('bench/processes/monitored.ts', [module], {
    execArgv: TSX,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, SESSION_SECRET: secret },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`${url}${readyPath}`, child);
  } catch (error) {
    // a server too slow to start must not outlive the bench
    child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    secret,
    stats: () => ask<ProcessStats>(child, 'stats'),
    resetStats: () => child.send('reset'),
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The real server as `npm start` runs it (built by `npm run build:server`, which bench/run.ts runs
 * first), default settings (with `env` over them), except what one loopback address holding a
 * whole crowd needs (a real crowd comes from many addresses).
 */
export function startGameServer(env: Record<string, string> = {}): Promise<WatchedServer> {
  const oneAddress = { SOCKETS_PER_ADDRESS: '1000000', TABLES_PER_ADDRESS_PER_HOUR: '1000000', LOG_LEVEL: 'warn' };
  return watched('dist/server/main.js', { ...oneAddress, ...env }, '/healthz');
}

export function startYjsServer(): Promise<WatchedServer> {
  return watched('bench/processes/yjs-server.ts', {}, '/');
}

export function startRelay(): Promise<WatchedServer> {
  return watched('bench/processes/relay-server.ts', {}, '/socket.io/?EIO=4&transport=polling');
}

/** Runs `run` against a server started by `start`, and stops that server whatever happens. */
export async function withWatched<T>(start: () => Promise<WatchedServer>, run: (server: WatchedServer) => Promise<T>): Promise<T> {
  const server = await start();
  try {
    return await run(server);
  } finally {
    await server.stop();
  }
}

/** What the crowd's process says as its measured window starts and ends. */
export interface CrowdPhases {
  measuring(): void;
  measured(): void;
}

/** Runs the crowd in its own process until it reports. */
export function runCrowd(plan: CrowdPlan, phases: CrowdPhases): Promise<CrowdResult> {
  return runGenerator('bench/processes/crowd-generator.ts', plan, phases);
}

/** Runs a load generator module in its own process: it gets `plan` over IPC, may say when its measured window starts and ends, and reports once. */
export function runGenerator<R>(module: string, plan: object, phases?: CrowdPhases): Promise<R> {
  const child = fork(module, [], { execArgv: TSX, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.on('message', (message: { phase?: 'measuring' | 'measured' }) => {
      if (message.phase) phases?.[message.phase]();
      else resolve(message as R);
    });
    child.once('exit', (code) => reject(new Error(`the load generator exited with ${code} before reporting`)));
    child.send(plan);
  });
}
