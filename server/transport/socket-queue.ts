import type { Socket } from 'socket.io';
import type { Logger } from '../logger';

type Listener = (...args: any[]) => void;

interface Emitter {
  on(event: string, listener: Listener): unknown;
  off(event: string, listener: Listener): unknown;
}

/** The parts of engine.io's socket that this module reads; its types keep most of them private. */
interface EngineConnection extends Emitter {
  readonly readyState: string;
  writeBuffer: Array<{ data?: unknown }>;
  transport: EngineTransport;
  close(discard?: boolean): void;
}

interface EngineTransport extends Emitter {
  readonly name: string;
  writable: boolean;
  /** On the websocket transport: the `ws` WebSocket. */
  socket?: { readonly bufferedAmount: number; terminate(): void };
}

function engineOf(socket: Socket): EngineConnection {
  return socket.conn as unknown as EngineConnection;
}

function websocketOf(conn: EngineConnection): EngineTransport['socket'] {
  return conn.transport.name === 'websocket' ? conn.transport.socket : undefined;
}

/** Characters of a text packet (what a V8 one-byte string holds), bytes of a binary one. */
function sizeOf(data: unknown): number {
  if (typeof data === 'string') return data.length;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}

/**
 * Drops the socket once more than `maxBytes` wait to reach its client: Socket.IO queues without
 * bound for a client that does not read. Counted as each packet is queued, the only moment the
 * amount grows: engine.io's write buffer until it is flushed to the transport, then what `ws`
 * still holds (its `bufferedAmount`: the sender's queue and the TCP socket's write buffer).
 * Only a flush empties the write buffer, so an empty one means everything counted was flushed:
 * no listener on every flush (an event emitted with arguments for each packet sent).
 */
export function capQueuedBytes(socket: Socket, maxBytes: number, logger: Logger): void {
  const conn = engineOf(socket);
  let unflushed = 0;
  let dropping = false;
  conn.on('packetCreate', (packet: { data?: unknown }) => {
    // emitted just before the packet joins the write buffer
    const flushed = conn.writeBuffer.length === 0;
    if (flushed) unflushed = 0;
    unflushed += sizeOf(packet.data);
    // a writable transport has written all it was given: `ws` holds nothing more (the usual case, read at no cost)
    if (flushed && conn.transport.writable && unflushed <= maxBytes) return;
    const queued = unflushed + (websocketOf(conn)?.bufferedAmount ?? 0);
    if (queued <= maxBytes || dropping) return;
    dropping = true;
    logger.warn({ queuedBytes: queued, maxQueuedBytes: maxBytes }, 'socket dropped: too much queued for a client that does not read');
    // after the emit in progress: a broadcast may be walking the room this socket is about to leave
    process.nextTick(() => drop(conn));
  });
}

function drop(conn: EngineConnection): void {
  const websocket = websocketOf(conn);
  // discarded: a plain close would wait for the queue to drain, which it never will
  conn.close(true);
  // and the websocket's closing handshake would hold its buffers for up to 30 s more
  websocket?.terminate();
}

/**
 * Resolves once nothing waits to be written to the socket's client: all of it handed to the
 * kernel (websocket), or the client polled again (long-polling); at once if the socket closed.
 */
export function whenWritten(socket: Socket): Promise<void> {
  const conn = engineOf(socket);
  return new Promise((resolve) => {
    let transport = conn.transport;
    const check = () => {
      const waiting = conn.writeBuffer.length > 0 || !conn.transport.writable;
      if (conn.readyState !== 'closed' && waiting) {
        // an upgrade moves the socket to another transport: its writes are the ones to wait for
        if (transport !== conn.transport) {
          transport.off('ready', check);
          transport = conn.transport;
          transport.on('ready', check);
        }
        return;
      }
      transport.off('ready', check);
      conn.off('upgrade', check);
      conn.off('close', check);
      resolve();
    };
    // `ready` follows each write the transport completes (engine.io flushes what came meanwhile first)
    transport.on('ready', check);
    conn.on('upgrade', check);
    conn.on('close', check);
    check();
  });
}

/**
 * Runs the tasks given one at a time, in order, each once what the tasks before it queued for the
 * socket is written out: a full state is then held in memory once per socket, however often asked.
 */
export function oneAtATime(socket: Socket): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (task) => {
    const run = tail.then(() => whenWritten(socket)).then(task);
    tail = run.catch(() => undefined);
    return run;
  };
}
