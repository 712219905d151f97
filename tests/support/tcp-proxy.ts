import { createServer, connect, type Socket } from 'node:net';
import { after } from 'node:test';

/** A TCP proxy on a loopback port that the test can cut, stall and let pass again. */
export interface TcpProxy {
  port: number;
  /** Drops every open connection (both ends) and every new one until pass(). */
  cut(): void;
  /**
   * Holds every byte in both directions, the connections left open, as a network that drops
   * packets does: each end waits for an answer that does not come (TCP's own timeouts take many
   * minutes). New connections are held alike. pass() sends what was held.
   */
  stall(): void;
  pass(): void;
}

/** One direction of a proxied connection. */
interface Leg {
  from: Socket;
  to: Socket;
}

/** Forwards 127.0.0.1:<its port> to `target`; closed when the calling test file ends. */
export async function tcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const legs = new Set<Leg>();
  let mode: 'passing' | 'cut' | 'stalled' = 'passing';
  const flow = (leg: Leg) => leg.from.pipe(leg.to);
  const hold = (leg: Leg) => {
    leg.from.unpipe(leg.to);
    leg.from.pause();
  };
  const server = createServer((inbound) => {
    if (mode === 'cut') {
      inbound.destroy();
      return;
    }
    const outbound = connect(target.port, target.host);
    for (const [from, to] of [[inbound, outbound], [outbound, inbound]] as const) {
      const leg = { from, to };
      legs.add(leg);
      if (mode === 'passing') flow(leg);
      else from.pause();
      // one end gone: the other goes too, as when a network path breaks
      from.on('error', () => to.destroy());
      from.on('close', () => {
        legs.delete(leg);
        to.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => {
    for (const { from } of legs) from.destroy();
    server.close();
  });
  return {
    port: (server.address() as { port: number }).port,
    cut: () => {
      mode = 'cut';
      for (const { from } of legs) from.destroy();
    },
    stall: () => {
      mode = 'stalled';
      for (const leg of legs) hold(leg);
    },
    pass: () => {
      if (mode === 'stalled') for (const leg of legs) flow(leg);
      mode = 'passing';
    },
  };
}
