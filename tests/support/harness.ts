import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { loadConfig } from '../../server/config';
import { createLogger } from '../../server/logger';
import { startServer, type RunningServer, type ServerExtras } from '../../server/server';
import { openStorage } from '../../server/storage/open-store';

export interface TestServer extends RunningServer {
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * The real server on a free loopback port. Its data folder is DATA_DIR when given (kept), else
 * a fresh one (removed by stop()); its stores (sessions, layers, PDF records, views) are in
 * memory unless STORAGE says otherwise, as with `npm start`.
 */
export async function startTestServer(env: Record<string, string> = {}, extras: ServerExtras = {}): Promise<TestServer> {
  const dataDir = env.DATA_DIR ?? (await mkdtemp(path.join(os.tmpdir(), 'gamebook-test-')));
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', STORAGE: 'memory', ...env, DATA_DIR: dataDir });
  const logger = createLogger(config.logLevel);
  const storage = await openStorage(config.storage, logger);
  const dependents = [...storage.dependents, ...(extras.dependents ?? [])];
  const server = await startServer(config, storage.sessions, logger, { ...storage, ...extras, dependents });
  return {
    ...server,
    dataDir,
    stop: async () => {
      await server.close();
      if (env.DATA_DIR === undefined) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Guest {
  token: string;
  user: { id: string; name: string };
}

export async function guest(baseUrl: string, name = 'Tester'): Promise<Guest> {
  const response = await fetch(`${baseUrl}/api/auth/guest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  if (!response.ok) throw new Error(`guest login failed: ${response.status}`);
  return (await response.json()) as Guest;
}

export async function guestToken(baseUrl: string, name = 'Tester'): Promise<string> {
  return (await guest(baseUrl, name)).token;
}

/** A real socket.io-client socket, connected (or refused) before it returns. */
export async function openSocket(
  baseUrl: string,
  token: string | undefined,
  options: { reconnection?: boolean; headers?: Record<string, string> } = {},
): Promise<Socket> {
  const socket = connect(baseUrl, {
    auth: token === undefined ? {} : { token },
    ...(options.headers ? { extraHeaders: options.headers } : {}),
    transports: ['websocket'],
    reconnection: options.reconnection ?? false,
    reconnectionDelay: 50,
    reconnectionDelayMax: 200,
    forceNew: true,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
  return socket;
}

/** Emits with an ack and resolves with the ack's answer. */
export function request<T = any>(socket: Socket, event: string, ...args: unknown[]): Promise<T> {
  return socket.timeout(5000).emitWithAck(event, ...args) as Promise<T>;
}

/** Resolves with the next `event` the socket receives. */
export function nextEvent<T = any>(socket: Socket, event: string, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    socket.once(event, (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}

/** Polls `condition` until it holds (or fails after `timeoutMs`). */
export async function eventually(condition: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
