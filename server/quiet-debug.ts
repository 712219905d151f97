import { createRequire, Module } from 'node:module';

type DebugFactory = ((namespace: string) => unknown) & Record<string, unknown>;

/**
 * Where the packages on a delivery's path (socket.io, engine.io, socket.io-adapter) load the
 * `debug` package from: one copy in a flat install, several when npm nests them.
 */
function debugPaths(): Set<string> {
  const here = createRequire(import.meta.url);
  const socketIo = createRequire(here.resolve('socket.io'));
  const owners = [socketIo, createRequire(socketIo.resolve('engine.io')), createRequire(socketIo.resolve('socket.io-adapter'))];
  return new Set(owners.map((owner) => owner.resolve('debug')));
}

/** A logger that is off: no rest parameter, so a call allocates nothing and inlines away. */
function silentLogger(namespace: string): unknown {
  return Object.assign(function silent() {}, {
    namespace,
    enabled: false,
    log() {},
    destroy() {},
    extend: (sub: string, delimiter = ':') => silentLogger(`${namespace}${delimiter}${sub}`),
  });
}

function quietFactory(real: DebugFactory): DebugFactory {
  const quiet = ((namespace: string) => silentLogger(namespace)) as DebugFactory;
  Object.assign(quiet, real, { debug: quiet, default: quiet });
  return quiet;
}

/**
 * With DEBUG unset, gives Socket.IO's modules a `debug` whose loggers do nothing. The `debug`
 * package's loggers take `(...args)`, so each of the dozen calls on a delivery's path (engine.io's
 * `flush` and `sendPacket`, socket.io's `packet` and broadcast `emit`) allocates an array before it
 * finds itself off: under a crowd the server's garbage per change went from 28.6 to 24.1 KB
 * without them (docs/benchmarks-notes.md, "a twelfth machine"). Must run before socket.io is loaded (server/main.ts);
 * with DEBUG set, the real loggers stay, and print as their documentation says.
 */
export function quietDebugWhenOff(env: NodeJS.ProcessEnv = process.env): void {
  if (env.DEBUG) return;
  const require = createRequire(import.meta.url);
  for (const path of debugPaths()) {
    const cached = new Module(path);
    cached.filename = path;
    cached.exports = quietFactory(require(path) as DebugFactory);
    cached.loaded = true;
    require.cache[path] = cached;
  }
}
