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
const ROUNDS = 150;
/** Rounds run first and not counted, on both paths: the first ones compile the code they run (the update path far more of it). */
const WARMUP = 20;

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

/** Runs ROUNDS sends, each until every receiver has `event`. */
export async function timeRounds(receivers: Socket[], event: string, send: (round: number) => void): Promise<Rounds> {
  const latencies: number[] = [];
  let cpuBefore = process.cpuUsage();
  for (let round = 1 - WARMUP; round <= ROUNDS; round++) {
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
    send(round + WARMUP);
    await Promise.all(arrived);
  }
  const cpu = process.cpuUsage(cpuBefore);
  return { latencies, cpuMsPerRound: (cpu.user + cpu.system) / 1000 / ROUNDS };
}

async function deltaLatencies(): Promise<Rounds & { bytes: number }> {
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
  let bytes = 0;
  receivers[0]?.on('game-state-delta', (payload: unknown) => (bytes = Buffer.byteLength(JSON.stringify(payload))));
  const rounds = await timeRounds(receivers, 'game-state-delta', (round) =>
    sender.emit('update-game-state', { updates: { counters: [{ id: 'gold', value: round }] } }),
  );
  for (const socket of [sender, ...receivers]) socket.close();
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
  return { ...rounds, bytes };
}

async function plainBroadcastLatencies(payloadBytes: number): Promise<Rounds> {
  const httpServer = createServer();
  const relay = new Server(httpServer);
  relay.on('connection', (socket) => socket.on('relay', (payload) => relay.emit('relayed', payload)));
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  const sender = await open(url);
  const receivers = await Promise.all(Array.from({ length: CLIENTS }, () => open(url)));
  const payload = { filler: 'x'.repeat(Math.max(0, payloadBytes - 14)) };
  const rounds = await timeRounds(receivers, 'relayed', () => sender.emit('relay', payload));
  for (const socket of [sender, ...receivers]) socket.close();
  await new Promise<void>((resolve) => relay.close(() => resolve()));
  return rounds;
}

/** Delivery latency of a delta to 50 clients of one session, next to a plain Socket.IO broadcast of the same bytes. */
export async function fanoutSuite(): Promise<BenchTable[]> {
  const delta = await deltaLatencies();
  const plain = await plainBroadcastLatencies(delta.bytes);
  const row = (label: string, measured: Rounds, baseline: Rounds) => {
    const sorted = [...measured.latencies].sort((a, b) => a - b);
    const base = [...baseline.latencies].sort((a, b) => a - b);
    return [
      label,
      percentile(sorted, 50),
      percentile(sorted, 99),
      percentile(sorted, 50) / percentile(base, 50),
      percentile(sorted, 99) / percentile(base, 99),
      measured.cpuMsPerRound,
      measured.cpuMsPerRound / baseline.cpuMsPerRound,
    ];
  };
  return [
    {
      title: `Delivery of one update to ${CLIENTS} clients of one session`,
      description: `${ROUNDS} rounds after ${WARMUP} to warm up, over loopback websockets, all in one process: from the sender's emit until each of ${CLIENTS} receivers has the event. The baseline is a bare Socket.IO server relaying a payload of the same size (${delta.bytes} bytes) to the same number of clients, in the same run. CPU: the whole process's (server and the ${CLIENTS + 1} clients) per round.`,
      columns: ['path', 'p50 ms', 'p99 ms', 'p50 ÷ plain', 'p99 ÷ plain', 'CPU ms per round', 'CPU ÷ plain'],
      rows: [row('plain Socket.IO broadcast (baseline)', plain, plain), row('update-game-state → game-state-delta', delta, plain)],
    },
  ];
}
