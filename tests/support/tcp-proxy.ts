import { createServer, connect, type Socket } from 'node:net';
import { after } from 'node:test';

/** A TCP proxy on a loopback port that the test can cut and let pass again. */
export interface TcpProxy {
  port: number;
  /** Drops every open connection (both ends) and every new one until pass(). */
  cut(): void;
  pass(): void;
}

/** Forwards 127.0.0.1:<its port> to `target`; closed when the calling test file ends. */
export async function tcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let passing = true;
  const server = createServer((inbound) => {
    if (!passing) {
      inbound.destroy();
      return;
    }
    const outbound = connect(target.port, target.host);
    for (const [from, to] of [[inbound, outbound], [outbound, inbound]] as const) {
      open.add(from);
      from.pipe(to);
      // one end gone: the other goes too, as when a network path breaks
      from.on('error', () => to.destroy());
      from.on('close', () => {
        open.delete(from);
        to.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => {
    for (const socket of open) socket.destroy();
    server.close();
  });
  return {
    port: (server.address() as { port: number }).port,
    cut: () => {
      passing = false;
      for (const socket of open) socket.destroy();
    },
    pass: () => {
      passing = true;
    },
  };
}
