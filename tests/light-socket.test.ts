import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { Server, type Socket } from 'socket.io';
import { runCrowd } from '../bench/processes/spawn';
import { LightSocket } from '../bench/processes/light-socket';
import { eventually } from './support/harness';
import { freePort, startServerProcess } from './support/server-process';
import { tempDir } from './support/temp-dir';

/** A Socket.IO server in this process, pinging every 50 ms; `onConnection` sets up each socket. */
async function socketIoServer(onConnection: (socket: Socket) => void, refuse = false): Promise<string> {
  const httpServer = createServer();
  const io = new Server(httpServer, { pingInterval: 50, pingTimeout: 200 });
  if (refuse) io.use((_socket, next) => next(new Error('no seat for you')));
  io.on('connection', onConnection);
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  after(() => io.close());
  const { port } = httpServer.address() as { port: number };
  return `http://127.0.0.1:${port}`;
}

describe("the load generators' Socket.IO client (bench/processes/light-socket.ts)", () => {
  it('LS1: connects with its auth, and carries events and acks both ways, as socket.io-client would', async () => {
    const url = await socketIoServer((socket) => {
      socket.on('echo', (payload: unknown, ack: (...args: unknown[]) => void) => ack({ ok: true, auth: socket.handshake.auth }, payload));
      socket.on('greet', (name: string) => socket.emit('greeted', `hello ${name}`, 2));
    });
    const socket = await LightSocket.connect(url, { auth: { token: 't-1' } });
    const heard: unknown[][] = [];
    socket.on('greeted', (...args: never[]) => heard.push(args));
    const ack = await new Promise<unknown[]>((resolve) => socket.emit('echo', { n: 'é1' }, (...args: unknown[]) => resolve(args)));
    assert.deepEqual(ack, [{ ok: true, auth: { token: 't-1' } }, { n: 'é1' }]);
    socket.emit('greet', 'Ann');
    await eventually(() => heard.length === 1, 5000, 'the greeting');
    assert.deepEqual(heard, [['hello Ann', 2]]);
    socket.close();
  });

  it('LS2: answers the pings, so the server keeps it past several ping timeouts', async () => {
    let disconnected = false;
    const url = await socketIoServer((socket) => {
      socket.on('disconnect', () => (disconnected = true));
      socket.on('still', (ack: (answer: string) => void) => ack('here'));
    });
    const socket = await LightSocket.connect(url, { auth: {} });
    await delay(1000);
    assert.equal(disconnected, false, 'the server dropped a socket that answered its pings');
    assert.equal(await socket.emitWithAck('still'), 'here');
    socket.close();
  });

  it('LS3: a refused connection rejects with the reason the server gave', async () => {
    const url = await socketIoServer(() => undefined, true);
    await assert.rejects(LightSocket.connect(url, { auth: {} }), /no seat for you/);
  });

  it('LS4: skips a binary event with its attachments, then hears the next event; `once` hears one', async () => {
    const url = await socketIoServer((socket) => {
      socket.on('send', () => {
        socket.emit('bytes', Buffer.from([1, 2, 3]), Buffer.from([4]));
        socket.emit('text', 'after');
        socket.emit('text', 'again');
      });
    });
    const socket = await LightSocket.connect(url, { auth: {} });
    const texts: string[] = [];
    const first = new Promise<string>((resolve) => socket.once('text', resolve));
    socket.on('text', (text: never) => texts.push(text));
    socket.emit('send');
    assert.equal(await first, 'after');
    await eventually(() => texts.length === 2, 5000, 'both texts');
    assert.deepEqual(texts, ['after', 'again']);
    socket.close();
  });

  it('LS5: the crowd generator on it, against the real server: every change delivered, every update acknowledged', async () => {
    const port = await freePort();
    const secret = 'light-socket-test-secret-0123456789';
    const dataDir = await tempDir('gamebook-light-');
    const server = await startServerProcess({ PORT: String(port), DATA_DIR: dataDir, SESSION_SECRET: secret });
    try {
      const result = await runCrowd(
        { tables: 3, clients: 3, changesPerSecond: 10, warmupSeconds: 0.2, seconds: 1, mode: 'game', url: server.url, secret, payloadBytes: 0 },
        { measuring: () => undefined, measured: () => undefined },
      );
      assert.deepEqual(result.errors, []);
      assert.ok(result.sent >= 15, `only ${result.sent} changes sent in the window`);
      assert.equal(result.delivered, result.expected, 'every client heard every change');
      assert.ok(Number.isFinite(result.ackP99), 'the updates were acknowledged');
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });
});
