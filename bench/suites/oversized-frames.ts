import { createServer } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { z } from 'zod';
import { ProtocolError } from '../../shared/errors';
import { isSafeJson, MAX_JSON_DEPTH } from '../../shared/json-shape';
import { updateGameStateFields } from '../../shared/protocol';
import { loadConfig } from '../../server/config';
import { noMetrics } from '../../server/metrics/metrics';
import { createLogger } from '../../server/logger';
import { startServer } from '../../server/server';
import { SocketEvents } from '../../server/transport/socket-events';
import { MemorySessionStore } from '../../server/storage/memory/memory-store';
import type { BenchTable } from '../report';

const ITEMS = 1_000_000;
const WARM_UP = 2;
const MESSAGES = 12;

function open(url: string, auth: object = {}): Promise<Socket> {
  const socket = connect(url, { auth, transports: ['websocket'], forceNew: true, reconnection: false });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** Sends `count` copies of the encoded frame (no ack: each answer is a session-error) and waits for every answer. */
async function sendAndAwait(socket: Socket, frame: string, count: number): Promise<string> {
  let code = '';
  let answered = 0;
  const all = new Promise<void>((resolve) => {
    const onError = (error: { code: string }) => {
      code = error.code;
      if (++answered < count) return;
      socket.off('session-error', onError);
      resolve();
    };
    socket.on('session-error', onError);
  });
  // the frame as socket.io-client would encode it, encoded once: the sender's own cost stays small
  const engine = socket.io.engine as unknown as { write(data: string): void };
  for (let i = 0; i < count; i++) engine.write(frame);
  await all;
  return code;
}

interface Measured {
  code: string;
  ms: number;
}

/** CPU of this process (server and client) per message, after a warm-up; and the refusal's code. */
async function cpuPerMessage(socket: Socket, frame: string): Promise<Measured> {
  await sendAndAwait(socket, frame, WARM_UP);
  const started = process.cpuUsage();
  const code = await sendAndAwait(socket, frame, MESSAGES);
  const used = process.cpuUsage(started);
  return { code, ms: (used.user + used.system) / 1000 / MESSAGES };
}

/** The update schema as it was: its JSON walk not bounded by a count of values. */
const unboundedUpdateSchema = updateGameStateFields.extend({
  updates: z.record(z.string(), z.custom((value) => isSafeJson(value, MAX_JSON_DEPTH, Number.POSITIVE_INFINITY))),
});

/** The old ordering on a bare Socket.IO server: its parser, then the schema, then the membership check. */
async function parsedFirst(frame: string): Promise<Measured> {
  const httpServer = createServer();
  const io = new Server(httpServer, { maxHttpBufferSize: 4 * 1024 * 1024 });
  const logger = createLogger('silent');
  io.on('connection', (socket) =>
    new SocketEvents(socket, logger, noMetrics).on('update-game-state', unboundedUpdateSchema, () => {
      throw new ProtocolError('not-in-session', 'join a session first');
    }),
  );
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const socket = await open(`http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`);
  const result = await cpuPerMessage(socket, frame);
  socket.close();
  await new Promise<void>((resolve) => io.close(() => resolve()));
  return result;
}

async function refusedByServer(frame: string): Promise<{ stranger: Measured; member: Measured }> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'gamebook-bench-'));
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', UPDATES_PER_SECOND: '10000', UPDATES_BURST: '10000' });
  const server = await startServer(config, new MemorySessionStore(), createLogger('silent'));
  const token = (name: string) => server.tokens.issue({ sub: `bench:${name}`, name, kind: 'guest' });
  const stranger = await open(server.url, { token: token('stranger') });
  const member = await open(server.url, { token: token('member') });
  const { sessionId } = await member.emitWithAck('create-session');
  await member.emitWithAck('join-session', sessionId);
  const result = { stranger: await cpuPerMessage(stranger, frame), member: await cpuPerMessage(member, frame) };
  for (const socket of [stranger, member]) socket.close();
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
  return result;
}

/**
 * What one 2 MB update-game-state (an array of a million zeros) costs before it is refused, from
 * a socket that joined nothing and from a member, next to the old ordering in the same run.
 */
export async function oversizedFramesSuite(): Promise<BenchTable[]> {
  const frame = `2["update-game-state",${JSON.stringify({ updates: { big: new Array(ITEMS).fill(0) } })}]`;
  const baseline = await parsedFirst(frame);
  const { stranger, member } = await refusedByServer(frame);
  const row = (label: string, result: Measured) => [label, result.code, result.ms, baseline.ms / result.ms];
  return [
    {
      title: 'A 2 MB update-game-state, refused',
      description: `CPU of the whole process (server and the sending client, over a loopback websocket) per message, mean of ${MESSAGES} after ${WARM_UP} to warm up; the frame is ${(frame.length / 1e6).toFixed(1)} MB, an array of ${ITEMS.toLocaleString('en-US')} zeros. The baseline, in the same run, is the old ordering on a bare Socket.IO server: Socket.IO's parser, then the schema with its JSON walk unbounded, then the membership check. What is left after the frame limit is the websocket itself: masking by the client and unmasking by the server, in JavaScript without bufferutil, take most of it.`,
      columns: ['path', 'answer', 'CPU ms per message', 'baseline ÷ this'],
      rows: [
        row('parsed and validated first (old ordering, baseline)', baseline),
        row('frame limit first, socket that joined nothing', stranger),
        row('frame limit first, member of the table', member),
      ],
    },
  ];
}
