import { WebSocket, type RawData } from 'ws';

/**
 * The load generators' Socket.IO client: the protocol's few text packets (Engine.IO v4, Socket.IO
 * v5, main namespace) over a bare `ws` WebSocket. socket.io-client stacks a manager, an Engine.IO
 * socket, a transport, a decoder and three emitters on every message: under a crowd of 2,000
 * sockets the generator's event loop was idle 47% of a run with it, 80% with this (CPU profiles,
 * docs/benchmarks-notes.md), and its loop's stalls go into every delivery it times, the
 * baseline's as much as the server's. What the generators use of a
 * socket is all here: events and acks in JSON, pings answered. A binary event (which neither
 * generator listens for) is skipped with its attachments; a binary ack is an error.
 */
type Listener = (...args: never[]) => void;
type Ack = (...args: unknown[]) => void;

export interface LightSocketOptions {
  /** Socket.IO's CONNECT payload: what the server's `socket.handshake.auth` holds. */
  auth: Record<string, unknown>;
}

export class LightSocket {
  private readonly listeners = new Map<string, Listener[]>();
  private readonly acks = new Map<number, Ack>();
  private nextAckId = 0;
  /** Binary attachments still to come of a binary packet being skipped. */
  private attachmentsToSkip = 0;
  private connected: { resolve: () => void; reject: (error: Error) => void } | undefined;

  private constructor(
    private readonly ws: WebSocket,
    private readonly auth: Record<string, unknown>,
  ) {
    ws.on('message', (data, isBinary) => this.receive(data, isBinary));
    ws.on('error', (error) => this.connected?.reject(error));
    ws.on('close', () => this.connected?.reject(new Error('the connection closed before Socket.IO connected')));
  }

  /** Connects to the server at `url` (http://host:port) and resolves once Socket.IO has accepted the CONNECT. */
  static connect(url: string, { auth }: LightSocketOptions): Promise<LightSocket> {
    const endpoint = `${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
    const socket = new LightSocket(new WebSocket(endpoint, { perMessageDeflate: false }), auth);
    return new Promise((resolve, reject) => {
      socket.connected = { resolve: () => resolve(socket), reject };
    });
  }

  on(event: string, listener: Listener): void {
    const list = this.listeners.get(event);
    if (list) list.push(listener);
    else this.listeners.set(event, [listener]);
  }

  once(event: string, listener: Listener): void {
    const wrapped = ((...args: never[]) => {
      this.off(event, wrapped);
      listener(...args);
    }) as Listener;
    this.on(event, wrapped);
  }

  /** Emits `event` with `args`; a function as the last argument is the ack's callback. */
  emit(event: string, ...args: unknown[]): void {
    const last = args.at(-1);
    if (typeof last !== 'function') {
      this.ws.send(`42${JSON.stringify([event, ...args])}`);
      return;
    }
    const id = this.nextAckId++;
    this.acks.set(id, last as Ack);
    this.ws.send(`42${id}${JSON.stringify([event, ...args.slice(0, -1)])}`);
  }

  emitWithAck(event: string, ...args: unknown[]): Promise<unknown> {
    return new Promise((resolve) => this.emit(event, ...args, resolve));
  }

  close(): void {
    this.ws.close();
  }

  private off(event: string, listener: Listener): void {
    const list = this.listeners.get(event);
    const index = list?.indexOf(listener) ?? -1;
    if (index >= 0) list?.splice(index, 1);
  }

  private receive(data: RawData, isBinary: boolean): void {
    if (isBinary) {
      if (this.attachmentsToSkip === 0) this.fail('a binary frame outside any binary packet');
      else this.attachmentsToSkip--;
      return;
    }
    const text = data.toString();
    switch (text[0]) {
      case '0':
        // Engine.IO's OPEN: now Socket.IO's CONNECT, with the auth
        this.ws.send(`40${JSON.stringify(this.auth)}`);
        return;
      case '2':
        this.ws.send('3');
        return;
      case '4':
        this.socketIoPacket(text);
        return;
      default:
      // NOOP (6) and CLOSE (1): nothing to do
    }
  }

  /** A Socket.IO packet: `4` (Engine.IO's MESSAGE), its type digit, then what that type carries. */
  private socketIoPacket(text: string): void {
    switch (text[1]) {
      case '0':
        this.connected?.resolve();
        this.connected = undefined;
        return;
      case '4':
        this.fail(`the server refused the connection: ${text.slice(2)}`);
        return;
      case '2':
      case '3': {
        const { id, payload } = ackIdAndPayload(text.slice(2));
        if (text[1] === '2') this.event(payload as [string, ...unknown[]], id);
        else if (id !== undefined) this.ack(id, payload as unknown[]);
        return;
      }
      case '5':
        // BINARY_EVENT: `<attachments>-[...]`, the attachments following as binary frames
        this.attachmentsToSkip = Number.parseInt(text.slice(2), 10);
        return;
      case '6':
        this.fail('a binary ack, which no generator asks for');
        return;
      default:
      // DISCONNECT (1): the server closes the connection too
    }
  }

  private event([name, ...args]: [string, ...unknown[]], id: number | undefined): void {
    if (id !== undefined) this.fail(`the server asked for an ack of ${name}, which no generator gives`);
    for (const listener of [...(this.listeners.get(name) ?? [])]) (listener as Ack)(...args);
  }

  private ack(id: number, args: unknown[]): void {
    const callback = this.acks.get(id);
    this.acks.delete(id);
    callback?.(...args);
  }

  private fail(reason: string): void {
    const error = new Error(reason);
    if (this.connected) this.connected.reject(error);
    else throw error;
  }
}

/** `[<id>][...]`: the ack id, when there is one, and the parsed array after it (the main namespace has no prefix). */
function ackIdAndPayload(rest: string): { id: number | undefined; payload: unknown } {
  const json = rest.indexOf('[');
  const digits = rest.slice(0, json);
  return { id: digits === '' ? undefined : Number(digits), payload: JSON.parse(rest.slice(json)) };
}
