import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after } from 'node:test';
import { eventually } from './harness';
import { freePort } from './server-process';
import { tempDir } from './temp-dir';

/** Debian's haproxy (`apt-get install -y haproxy`, as .ci/run does when it is missing). */
const HAPROXY = process.env.HAPROXY_BIN ?? '/usr/sbin/haproxy';

/** `roundrobin` spreads connections over the nodes; `first` fills the first node that is up. */
export type Balance = 'roundrobin' | 'first';

export interface Balancer {
  /** Where clients connect: the balancer's frontend. */
  url: string;
  /** Everything haproxy wrote, for failure messages. */
  output(): string;
}

/**
 * The config a production cluster runs (deploy/haproxy.cfg), for nodes on loopback ports: HTTP
 * mode (websockets pass as tunnels), /healthz checked every 250 ms, a connection to a node that
 * is down sent to another (redispatch), and no stickiness.
 */
export function haproxyConfig(frontendPort: number, nodePorts: number[], balance: Balance): string {
  const servers = nodePorts.map((port, i) => `  server node${i + 1} 127.0.0.1:${port} maxconn 1000`);
  return [
    'global',
    '  maxconn 4096',
    'defaults',
    '  mode http',
    '  option redispatch',
    '  retries 3',
    '  timeout connect 1s',
    '  timeout client 60s',
    '  timeout server 60s',
    '  timeout tunnel 1h',
    // a node busy for a moment is not out: only one that fails twice, or refuses connections
    '  timeout check 2s',
    'frontend gamebook',
    `  bind 127.0.0.1:${frontendPort}`,
    '  default_backend nodes',
    'backend nodes',
    `  balance ${balance}`,
    '  option httpchk GET /healthz',
    '  http-check expect status 200',
    '  default-server check inter 250ms fall 2 rise 1',
    ...servers,
    '',
  ].join('\n');
}

/** A real haproxy in front of `nodePorts`, with a config this test writes; stopped when the test file ends. */
export async function startBalancer(nodePorts: number[], balance: Balance = 'roundrobin'): Promise<Balancer> {
  const port = await freePort();
  const file = path.join(await tempDir('gamebook-haproxy-'), 'haproxy.cfg');
  await writeFile(file, haproxyConfig(port, nodePorts, balance));
  // -db: in the foreground, so the test owns the process
  const child = spawn(HAPROXY, ['-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  let gone = false;
  child.once('exit', () => (gone = true));
  after(() => {
    if (!gone) child.kill('SIGKILL');
  });
  const url = `http://127.0.0.1:${port}`;
  let ready = false;
  const poll = setInterval(() => {
    fetch(`${url}/healthz`).then((response) => (ready = response.ok), () => undefined);
  }, 50);
  try {
    await eventually(() => gone || ready, 10_000, 'haproxy to pass /healthz through');
  } finally {
    clearInterval(poll);
  }
  if (!ready) throw new Error(`haproxy exited:\n${output}`);
  return { url, output: () => output };
}
