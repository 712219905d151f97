import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { SERVER_NODE_FLAGS } from '../server/node-flags';
import { haproxyConfig } from './support/haproxy';
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

  it('H6: npm start and the Dockerfile run the server with its Node flags, and they take effect', async () => {
    const { scripts } = JSON.parse(await readFile('package.json', 'utf8')) as { scripts: Record<string, string> };
    const flags = SERVER_NODE_FLAGS.join(' ');
    assert.match(scripts.start ?? '', new RegExp(`node ${flags} --import tsx server/main\\.ts$`), 'npm start');
    const dockerfile = await readFile('Dockerfile', 'utf8');
    const command = JSON.stringify(['node', ...SERVER_NODE_FLAGS, '--import', 'tsx', 'server/main.ts']).replaceAll(',', ', ');
    assert.ok(dockerfile.includes(`CMD ${command}`), `the Dockerfile's CMD is ${command}`);
    const peak = async (flags: readonly string[]) => Number((await run(process.execPath, [...flags, '-e', YOUNG_GENERATION_PEAK])).stdout);
    const [bare, flagged] = await Promise.all([peak([]), peak(SERVER_NODE_FLAGS)]);
    assert.ok(flagged > bare, `the young generation peaked at ${flagged} bytes with the flags, ${bare} without`);
    const fullCollections = async (flags: readonly string[]) => Number((await run(process.execPath, [...flags, '--expose-gc', '-e', FULL_COLLECTIONS])).stdout);
    const [bareFull, flaggedFull] = await Promise.all([fullCollections([]), fullCollections(SERVER_NODE_FLAGS)]);
    assert.ok(bareFull > 0, `without the flags, V8 collected the old generation in full ${bareFull} times`);
    assert.equal(flaggedFull, 0, 'with the flags, the old generation under 512 MB was never collected in full');
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
