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

export function open(url: string, auth: object = {}): Promise<Socket> {
  const socket = connect(url, { auth, transports: ['websocket'], forceNew: true, reconnection: false });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** Runs ROUNDS sends, each until every receiver has `event`; returns every delivery latency in ms. */
export async function timeRounds(receivers: Socket[], event: string, send: (round: number) => void): Promise<number[]> {
  const latencies: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const started = performance.now();
    const arrived = receivers.map(
      (socket) =>
        new Promise<void>((resolve) =>
          socket.once(event, () => {
            latencies.push(performance.now() - started);
            resolve();
          }),
        ),
    );
    send(round);
    await Promise.all(arrived);
  }
  return latencies;
}

async function deltaLatencies(): Promise<{ latencies: number[]; bytes: number }> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'gamebook-bench-'));
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', UPDATES_PER_SECOND: '10000', UPDATES_BURST: '10000' });
  const server = await startServer(config, new MemorySessionStore(), createLogger('silent'));
  const token = (name: string) => server.tokens.issue({ sub: `bench:${name}`, name, kind: 'guest' });
  const sender = await open(server.url, { token: token('sender') });
  const { sessionId } = await sender.emitWithAck('create-session');
  await sender.emitWithAck('join-session', sessionId);
  const receivers = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => open(server.url, { token: token(`r${i}`) })));
  await Promise.all(receivers.map((socket) => socket.emitWithAck('join-session', sessionId)));
  let bytes = 0;
  receivers[0]?.on('game-state-delta', (payload: unknown) => (bytes = Buffer.byteLength(JSON.stringify(payload))));
  const latencies = await timeRounds(receivers, 'game-state-delta', (round) =>
    sender.emit('update-game-state', { updates: { counters: [{ id: 'gold', value: round }] } }),
  );
  for (const socket of [sender, ...receivers]) socket.close();
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
  return { latencies, bytes };
}

async function plainBroadcastLatencies(payloadBytes: number): Promise<number[]> {
  const httpServer = createServer();
  const relay = new Server(httpServer);
  relay.on('connection', (socket) => socket.on('relay', (payload) => relay.emit('relayed', payload)));
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  const sender = await open(url);
  const receivers = await Promise.all(Array.from({ length: CLIENTS }, () => open(url)));
  const payload = { filler: 'x'.repeat(Math.max(0, payloadBytes - 14)) };
  const latencies = await timeRounds(receivers, 'relayed', () => sender.emit('relay', payload));
  for (const socket of [sender, ...receivers]) socket.close();
  await new Promise<void>((resolve) => relay.close(() => resolve()));
  return latencies;
}

/** Delivery latency of a delta to 50 clients of one session, next to a plain Socket.IO broadcast of the same bytes. */
export async function fanoutSuite(): Promise<BenchTable[]> {
  const delta = await deltaLatencies();
  const plain = await plainBroadcastLatencies(delta.bytes);
  const row = (label: string, latencies: number[], baseline: number[]) => {
    const sorted = [...latencies].sort((a, b) => a - b);
    const base = [...baseline].sort((a, b) => a - b);
    return [label, percentile(sorted, 50), percentile(sorted, 99), percentile(sorted, 50) / percentile(base, 50), percentile(sorted, 99) / percentile(base, 99)];
  };
  return [
    {
      title: `Delivery of one update to ${CLIENTS} clients of one session`,
      description: `${ROUNDS} rounds over loopback websockets, all in one process: from the sender's emit until each of ${CLIENTS} receivers has the event. The baseline is a bare Socket.IO server relaying a payload of the same size (${delta.bytes} bytes) to the same number of clients, in the same run.`,
      columns: ['path', 'p50 ms', 'p99 ms', 'p50 ÷ plain', 'p99 ÷ plain'],
      rows: [row('plain Socket.IO broadcast (baseline)', plain, plain), row('update-game-state → game-state-delta', delta.latencies, plain)],
    },
  ];
}
