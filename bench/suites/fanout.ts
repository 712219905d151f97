import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { loadConfig } from '../../server/config';
import { createLogger } from '../../server/logger';
import { startServer } from '../../server/server';
import { MemorySessionStore } from '../../server/storage/memory/memory-store';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { percentile, type BenchTable } from '../report';

const CLIENTS = 50;
/** Measured windows per path, the two paths taking turns: one window's p99 is its few slowest rounds (a GC, the machine). */
const WINDOWS = Number(process.env.FANOUT_WINDOWS ?? 3);
const WINDOW = { rounds: 300, warmup: 0 };
/** Rounds run first on each path and not counted: the first hundreds compile the code they run (the update path far more of it). */
const WARMUP_ROUNDS = 300;

export function open(url: string, auth: object = {}): Promise<Socket> {
  const socket = connect(url, { auth, transports: ['websocket'], forceNew: true, reconnection: false });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

export interface Rounds {
  /** Every delivery latency, ms. */
  latencies: number[];
  /** CPU time of this process (server and clients, every thread) per round, ms: what a loaded machine distorts least. */
  cpuMsPerRound: number;
}

/** How many rounds are measured, after how many uncounted ones. */
export interface RoundCount {
  rounds: number;
  warmup: number;
}

/** Runs `count.warmup` then `count.rounds` sends, each until every receiver has `event`. */
export async function timeRounds(
  receivers: Socket[],
  event: string,
  send: (round: number) => void,
  count: RoundCount = { rounds: 150, warmup: 20 },
): Promise<Rounds> {
  const latencies: number[] = [];
  let cpuBefore = process.cpuUsage();
  for (let round = 1 - count.warmup; round <= count.rounds; round++) {
    if (round === 1) cpuBefore = process.cpuUsage();
    const started = performance.now();
    const arrived = receivers.map(
      (socket) =>
        new Promise<void>((resolve) =>
          socket.once(event, () => {
            if (round >= 1) latencies.push(performance.now() - started);
            resolve();
          }),
        ),
    );
    send(round + count.warmup);
    await Promise.all(arrived);
  }
  const cpu = process.cpuUsage(cpuBefore);
  return { latencies, cpuMsPerRound: (cpu.user + cpu.system) / 1000 / count.rounds };
}

/** One way of getting a change to the receivers: its sockets, and how a round is sent. */
interface FanoutPath {
  receivers: Socket[];
  event: string;
  send(round: number): void;
  close(): Promise<void>;
}

function closeAll(sockets: Socket[]): void {
  for (const socket of sockets) socket.close();
}

async function deltaPath(): Promise<FanoutPath> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'gamebook-bench-'));
  // one sender sends every round: the per-socket and per-user limits would refuse it past their burst (a refused round never ends)
  const unpaced = { UPDATES_PER_SECOND: '100000', UPDATES_BURST: '100000', USER_UPDATES_PER_SECOND: '100000', USER_UPDATES_BURST: '100000' };
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...unpaced });
  const server = await startServer(config, new MemorySessionStore(), createLogger('silent'));
  const token = (name: string) => server.tokens.issue({ sub: `bench:${name}`, name, kind: 'guest' });
  const sender = await open(server.url, { token: token('sender') });
  const { sessionId } = await sender.emitWithAck('create-session');
  await sender.emitWithAck('join-session', sessionId);
  const receivers = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => open(server.url, { token: token(`r${i}`) })));
  await Promise.all(receivers.map((socket) => socket.emitWithAck('join-session', sessionId)));
  return {
    receivers,
    event: 'game-state-delta',
    send: (round) => sender.emit('update-game-state', { updates: { counters: [{ id: 'gold', value: round }] } }),
    close: async () => {
      closeAll([sender, ...receivers]);
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A bare Socket.IO server relaying `payload` to every client: the same bytes as a delta, nothing done with them. */
async function plainPath(payload: unknown): Promise<FanoutPath> {
  const httpServer = createServer();
  const relay = new Server(httpServer);
  relay.on('connection', (socket) => socket.on('relay', (relayed) => relay.emit('relayed', relayed)));
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  const sender = await open(url);
  const receivers = await Promise.all(Array.from({ length: CLIENTS }, () => open(url)));
  return {
    receivers,
    event: 'relayed',
    send: () => sender.emit('relay', payload),
    close: async () => {
      closeAll([sender, ...receivers]);
      await new Promise<void>((resolve) => relay.close(() => resolve()));
    },
  };
}

/** The delta the receivers got last: what the plain broadcast relays, byte for byte. */
function lastDelta(path: FanoutPath): Promise<unknown> {
  return new Promise((resolve) => {
    path.receivers[0]?.once(path.event, resolve);
    path.send(0);
  });
}

interface Windows {
  /** The window with the median p99. */
  median: Rounds;
  p99s: number[];
  /** The median of the windows' CPU per round. */
  cpuMsPerRound: number;
}

const p99Of = (rounds: Rounds) => percentile([...rounds.latencies].sort((a, b) => a - b), 99);
const middle = <T>(sorted: T[]) => sorted[Math.floor((sorted.length - 1) / 2)] as T;

function windowsOf(measured: Rounds[]): Windows {
  const byP99 = [...measured].sort((a, b) => p99Of(a) - p99Of(b));
  const cpu = measured.map((each) => each.cpuMsPerRound).sort((a, b) => a - b);
  return { median: middle(byP99), p99s: measured.map(p99Of), cpuMsPerRound: middle(cpu) };
}

/** Each path warmed up, then WINDOWS windows of each, the plain broadcast and the update path taking turns. */
async function measureInTurns(plain: FanoutPath, delta: FanoutPath): Promise<{ plain: Windows; delta: Windows }> {
  const run = (path: FanoutPath, count: RoundCount) => timeRounds(path.receivers, path.event, (round) => path.send(round), count);
  let round = 1;
  // each path's rounds count on from the last: the update path's counter must change every round
  const counted = (path: FanoutPath): FanoutPath => ({ ...path, send: () => path.send(round++) });
  const [plainCounted, deltaCounted] = [counted(plain), counted(delta)];
  await run(plainCounted, { rounds: WARMUP_ROUNDS, warmup: 0 });
  await run(deltaCounted, { rounds: WARMUP_ROUNDS, warmup: 0 });
  const measured = { plain: [] as Rounds[], delta: [] as Rounds[] };
  for (let window = 0; window < WINDOWS; window++) {
    measured.plain.push(await run(plainCounted, WINDOW));
    measured.delta.push(await run(deltaCounted, WINDOW));
  }
  return { plain: windowsOf(measured.plain), delta: windowsOf(measured.delta) };
}

function row(label: string, measured: Windows, baseline: Windows): Array<string | number> {
  const sorted = [...measured.median.latencies].sort((a, b) => a - b);
  const base = [...baseline.median.latencies].sort((a, b) => a - b);
  return [
    label,
    percentile(sorted, 50),
    percentile(sorted, 99),
    percentile(sorted, 50) / percentile(base, 50),
    percentile(sorted, 99) / percentile(base, 99),
    measured.p99s.map((p99) => p99.toFixed(2)).join(', '),
    measured.cpuMsPerRound,
    measured.cpuMsPerRound / baseline.cpuMsPerRound,
  ];
}

/** Delivery latency of a delta to 50 clients of one session, next to a plain Socket.IO broadcast of the same bytes. */
export async function fanoutSuite(): Promise<BenchTable[]> {
  const delta = await deltaPath();
  const payload = await lastDelta(delta);
  const plain = await plainPath(payload);
  try {
    const windows = await measureInTurns(plain, delta);
    return [
      {
        title: `Delivery of one update to ${CLIENTS} clients of one session`,
        description: `From the sender's emit until each of ${CLIENTS} receivers has the event, over loopback websockets, server and clients all in one process. Each path is warmed up with ${WARMUP_ROUNDS} rounds, then measured in ${WINDOWS} windows of ${WINDOW.rounds} rounds, the two paths taking turns; each row is the window with the median p99, and the column after the ratios lists every window's p99. The baseline is a bare Socket.IO server relaying the same bytes (a game-state-delta as the receivers got it, ${Buffer.byteLength(JSON.stringify(payload))} bytes of JSON) to the same number of clients, in the same run. CPU: the whole process's (server and the ${CLIENTS + 1} clients) per round, the median of the windows.`,
        columns: ['path', 'p50 ms', 'p99 ms', 'p50 ÷ plain', 'p99 ÷ plain', 'p99 of each window ms', 'CPU ms per round', 'CPU ÷ plain'],
        rows: [row('plain Socket.IO broadcast (baseline)', windows.plain, windows.plain), row('update-game-state → game-state-delta', windows.delta, windows.plain)],
      },
    ];
  } finally {
    await plain.close();
    await delta.close();
  }
}
