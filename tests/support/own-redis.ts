import { spawn, type ChildProcess } from 'node:child_process';
import { after } from 'node:test';
import { freePort } from './server-process';

/** A Redis of one test, on a port of its own, that the test stops and starts. */
export interface OwnRedis {
  url: string;
  /** Kills it (SIGKILL: connections are cut, nothing is said), as when the Redis host goes away. */
  stop(): Promise<void>;
  /** Starts it again, empty, on the same port; resolves once it takes connections. */
  start(): Promise<void>;
}

/** Debian's redis-server, in memory only, stopped when the calling test file ends. */
export async function ownRedis(): Promise<OwnRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = () =>
    new Promise<void>((resolve, reject) => {
      const started = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
      child = started;
      let output = '';
      started.stdout?.on('data', (chunk: Buffer) => {
        output += chunk;
        if (output.includes('Ready to accept connections')) resolve();
      });
      started.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output}`)));
    });
  const stop = async () => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  after(stop);
  await start();
  return { url: `redis://127.0.0.1:${port}`, stop, start };
}
