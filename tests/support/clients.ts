import type { TestContext } from 'node:test';
import type { Socket } from 'socket.io-client';
import { SyncClient, type SyncClientOptions, type SyncSocket } from '../../shared/sync-client';
import { guestToken, openSocket } from './harness';

/**
 * Wraps a real socket so a test can drop or alter chosen incoming packets, as a flaky network
 * or a buggy peer would. Everything else passes through to the real socket.
 */
export class LossySocket implements SyncSocket {
  /** Return false to drop the packet; may alter it in place. */
  filter: (event: string, payload: any) => boolean = () => true;
  /** While true, acks are held back (a slow answer) until `releaseAcks()`. */
  holdAcks = false;
  /** How many of the next acks are lost, each with the connection that should have brought it. */
  dropAcks = 0;
  private readonly heldAcks: Array<() => void> = [];
  private readonly wrapped = new Map<(...args: any[]) => void, (...args: any[]) => void>();

  constructor(readonly socket: Socket) {}

  get connected(): boolean {
    return this.socket.connected;
  }

  on(event: string, listener: (...args: any[]) => void): unknown {
    const wrapper = (...args: any[]) => {
      if (this.filter(event, args[0])) listener(...args);
    };
    this.wrapped.set(listener, wrapper);
    return this.socket.on(event, wrapper);
  }

  off(event: string, listener?: (...args: any[]) => void): unknown {
    return this.socket.off(event, listener ? this.wrapped.get(listener) : undefined);
  }

  emit(event: string, ...args: any[]): unknown {
    const last = args.at(-1);
    if (typeof last !== 'function') return this.socket.emit(event, ...args);
    const held = (...answer: any[]) => {
      if (this.dropAcks > 0) {
        this.dropAcks--;
        this.socket.io.engine?.close();
      } else if (this.holdAcks) this.heldAcks.push(() => last(...answer));
      else last(...answer);
    };
    return this.socket.emit(event, ...args.slice(0, -1), held);
  }

  /** Delivers the acks held back, in order, and stops holding. */
  releaseAcks(): void {
    this.holdAcks = false;
    for (const deliver of this.heldAcks.splice(0)) deliver();
  }

  disconnect(): unknown {
    return this.socket.disconnect();
  }
}

export interface TestClient {
  client: SyncClient;
  socket: Socket;
  lossy: LossySocket;
}

export async function syncClient(
  baseUrl: string,
  name: string,
  options: Omit<SyncClientOptions, 'socket'> = {},
): Promise<TestClient> {
  const socket = await openSocket(baseUrl, await guestToken(baseUrl, name), { reconnection: true });
  const lossy = new LossySocket(socket);
  const client = new SyncClient({ debounceMs: { default: 0, counter: 0, sheet: 0, notes: 0 }, ...options, socket: lossy });
  return { client, socket, lossy };
}

/** A host and a player with sync clients at a new table they both joined; closed when the test ends. */
export async function syncPair(t: TestContext, baseUrl: string): Promise<{ sessionId: string; a: TestClient; b: TestClient }> {
  const a = await syncClient(baseUrl, 'host');
  const b = await syncClient(baseUrl, 'player');
  t.after(() => {
    a.client.close();
    b.client.close();
  });
  const { sessionId } = await a.socket.emitWithAck('create-session');
  await Promise.all([a.client.join(sessionId), b.client.join(sessionId)]);
  return { sessionId, a, b };
}
