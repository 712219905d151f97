import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { after } from 'node:test';
import { SERVER_NODE_FLAGS } from '../../server/node-flags';
import { eventually } from './harness';

/**
 * The server as a real child process, with `npm start`'s Node flags: from source under tsx
 * (`server/main.ts`, or a test's variant of it), or as built (`dist/server/main.js`, what
 * `npm start` and the Dockerfile run).
 */
export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal) once the process is gone. */
  exited: Promise<number | null>;
  /** Everything the process wrote, for failure messages. */
  output(): string;
}

/** A port that was free a moment ago, so that a restarted server can take the same one. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** `entry` is the server's main module: `server/main.ts`, a test's variant of it, or the built `dist/server/main.js`. */
export async function startServerProcess(env: Record<string, string>, entry = 'server/main.ts'): Promise<ServerProcess> {
  const loader = entry.endsWith('.ts') ? ['--import', 'tsx'] : ['--enable-source-maps'];
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...loader, entry], {
    env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  // a failed test must not leave its server running (and the test process waiting on it)
  after(() => {
    if (!gone) child.kill('SIGKILL');
  });
  const url = `http://127.0.0.1:${env.PORT}`;
  let ready = false;
  const poll = setInterval(() => {
    // refused connections are expected until the server listens: the deadline reports a real failure
    fetch(`${url}/healthz`).then((response) => (ready = response.ok), () => undefined);
  }, 25);
  try {
    // tsx compiles the server at each start: on a loaded machine that alone can pass 15 s
    await eventually(() => gone || ready, 60_000, 'the server process to answer /healthz');
  } finally {
    clearInterval(poll);
  }
  if (!ready) throw new Error(`the server process exited before serving:\n${output}`);
  return { url, child, exited, output: () => output };
}
