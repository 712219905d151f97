import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { SERVER_NODE_FLAGS } from '../server/node-flags';
import { request } from './support/harness';
import { haproxyConfig } from './support/haproxy';
import { freePort, startServerProcess } from './support/server-process';
import { closeAll, join, player, tableOf } from './support/table';
import { tempDir } from './support/temp-dir';

const run = promisify(execFile);
const HAPROXY = process.env.HAPROXY_BIN ?? '/usr/sbin/haproxy';

describe('the ops files', () => {
  it('H5: deploy/haproxy.cfg (compose.yaml mounts it) and the tests\' generated config pass haproxy -c', async () => {
    const checked = await run(HAPROXY, ['-c', '-f', 'deploy/haproxy.cfg']);
    assert.match(checked.stdout + checked.stderr, /Configuration file is valid/);
    const file = path.join(await tempDir('gamebook-haproxy-check-'), 'haproxy.cfg');
    await writeFile(file, haproxyConfig(8080, [3001, 3002, 3003], 'first'));
    const generated = await run(HAPROXY, ['-c', '-f', file]);
    assert.match(generated.stdout + generated.stderr, /Configuration file is valid/);
  });

  it('H6: npm start and the Dockerfile run the built server with its Node flags, and they take effect', async () => {
    const { scripts } = JSON.parse(await readFile('package.json', 'utf8')) as { scripts: Record<string, string> };
    const flags = SERVER_NODE_FLAGS.join(' ');
    assert.match(scripts.start ?? '', new RegExp(`^npm run build && node ${flags} --enable-source-maps dist/server/main\\.js$`), 'npm start');
    assert.match(scripts.build ?? '', /npm run build:server$/, 'npm run build builds the server too');
    const dockerfile = await readFile('Dockerfile', 'utf8');
    assert.match(dockerfile, /^RUN npm run build$/m, 'the image is built with npm run build');
    const command = JSON.stringify(['node', ...SERVER_NODE_FLAGS, '--enable-source-maps', 'dist/server/main.js']).replaceAll(',', ', ');
    assert.ok(dockerfile.includes(`CMD ${command}`), `the Dockerfile's CMD is ${command}`);
    const peak = async (flags: readonly string[]) => Number((await run(process.execPath, [...flags, '-e', YOUNG_GENERATION_PEAK])).stdout);
    const [bare, flagged] = await Promise.all([peak([]), peak(SERVER_NODE_FLAGS)]);
    assert.ok(flagged > bare, `the young generation peaked at ${flagged} bytes with the flags, ${bare} without`);
    const fullCollections = async (flags: readonly string[]) => Number((await run(process.execPath, [...flags, '--expose-gc', '-e', FULL_COLLECTIONS])).stdout);
    const [bareFull, flaggedFull] = await Promise.all([fullCollections([]), fullCollections(SERVER_NODE_FLAGS)]);
    assert.ok(bareFull > 0, `without the flags, V8 collected the old generation in full ${bareFull} times`);
    assert.equal(flaggedFull, 0, 'with the flags, the old generation under 512 MB was never collected in full');
  });

  it('H7: the server as npm run build:server builds it (no tsx) commits through its writer thread and serves the table again after a restart', async (t) => {
    await run('npm', ['run', 'build:server']);
    const env = { PORT: String(await freePort()), DATA_DIR: await tempDir('gamebook-built-') };
    let server = await startServerProcess(env, 'dist/server/main.js');
    const { sessionId, players } = await tableOf(server.url, 'Ada');
    t.after(() => closeAll(players));
    // acknowledged once the writer thread (dist/server/writer-worker.js) has committed it
    assert.deepEqual(await request(players[0]!.socket, 'update-game-state', { updates: { hp: 7 }, baseVersion: 0 }), { ok: true, version: 1 });
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0, server.output());
    server = await startServerProcess(env, 'dist/server/main.js');
    const back = await player(server.url, 'Ada');
    t.after(() => closeAll([back]));
    const full = await join(back, sessionId);
    assert.equal(full.version, 1);
    assert.deepEqual(full.state, { hp: 7 });
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0, server.output());
  });

  it('H8: the built server gives Socket.IO silent loggers when DEBUG is unset, and its real ones when DEBUG names them', async (t) => {
    await run('npm', ['run', 'build:server']);
    const probe = path.resolve('tests/support/debug-probe.cjs');
    const loggersOf = async (debug: Record<string, string>) => {
      const env = { PORT: String(await freePort()), DATA_DIR: await tempDir('gamebook-debug-'), NODE_OPTIONS: `--require ${probe}`, ...debug };
      const server = await startServerProcess(env, 'dist/server/main.js');
      const { players } = await tableOf(server.url, 'Ada');
      t.after(() => closeAll(players));
      server.child.kill('SIGTERM');
      assert.equal(await server.exited, 0, server.output());
      return { given: new Set(server.output().match(/(?<=debug-probe: )\w+/g)), output: server.output() };
    };
    const off = await loggersOf({ DEBUG: '' });
    assert.deepEqual(off.given, new Set(['silent']), off.output);
    const on = await loggersOf({ DEBUG: 'engine:socket' });
    assert.deepEqual(on.given, new Set(['debug']), on.output);
    // the operator's diagnostics still print: engine.io's socket logs each connection it serves
    assert.match(on.output, /engine:socket /);
  });
});

/** Prints the largest size V8's new space reaches while short-lived objects keep surviving a scavenge or two. */
const YOUNG_GENERATION_PEAK = `
const v8 = require('node:v8');
let kept = [];
let peak = 0;
for (let i = 0; i < 3e6; i++) {
  kept.push({ i });
  if (kept.length > 200000) kept = [];
  if (i % 10000 === 0) peak = Math.max(peak, v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size);
}
process.stdout.write(String(peak));
`;

/**
 * Prints how many full collections V8 ran after a forced one (which sets its next limit from the
 * live heap, as a node's first full collection does) while some 300 MB of objects were promoted
 * and dropped, about 40 MB of them alive at a time: a node's history and in-flight objects.
 */
const FULL_COLLECTIONS = `
const { PerformanceObserver, constants, performance } = require('node:perf_hooks');
globalThis.gc();
const since = performance.now();
let full = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (entry.startTime > since && entry.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR) full++;
}).observe({ entryTypes: ['gc'] });
const kept = [];
for (let i = 0; i < 400; i++) {
  const chunk = [];
  for (let j = 0; j < 10000; j++) chunk.push({ i, j, s: 'x' + j });
  kept.push(chunk);
  if (kept.length > 50) kept.shift();
}
setTimeout(() => process.stdout.write(String(full)), 100);
`;
