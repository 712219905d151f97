import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { CrowdPlan } from '../bench/processes/crowd-generator';
import { freePort } from './support/server-process';

const TSX = ['--import', 'tsx'];

/** The child's exit code once it exits, or 'still running' after `ms`. */
async function exitWithin(child: ChildProcess, ms: number): Promise<number | null | 'still running'> {
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return Promise.race([exited, delay(ms).then(() => 'still running' as const)]);
}

async function answers(url: string): Promise<boolean> {
  return fetch(url).then(
    (response) => response.ok,
    () => false,
  );
}

/** Cuts the child's IPC channel, as the death of the bench that forked it does, and waits for it to go. */
async function orphan(child: ChildProcess): Promise<number | null | 'still running'> {
  child.disconnect();
  const outcome = await exitWithin(child, 10_000);
  if (outcome === 'still running') child.kill('SIGKILL');
  return outcome;
}

/** The bare relay under the bench's monitor, as the crowd suite starts it; resolves once it answers. */
async function startRelay(env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string; polling: string }> {
  const port = await freePort();
  const child = fork('bench/processes/monitored.ts', ['bench/processes/relay-server.ts'], {
    execArgv: TSX,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = `http://127.0.0.1:${port}`;
  const polling = `${url}/socket.io/?EIO=4&transport=polling`;
  for (let tries = 0; !(await answers(polling)); tries++) {
    // not left running when the test fails here
    if (tries >= 200) child.kill('SIGKILL');
    assert.ok(tries < 200, 'the relay never answered');
    await delay(50);
  }
  return { child, url, polling };
}

describe('the bench processes', () => {
  it('B1: a server the bench runs stops once the bench is gone, frees its port and removes its data folder', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'gamebook-crowd-'));
    await writeFile(path.join(dataDir, 'table.db'), 'rows');
    const { child, polling } = await startRelay({ DATA_DIR: dataDir });
    assert.equal(await orphan(child), 1);
    assert.equal(await answers(polling), false, 'nothing listens on its port any more');
    assert.equal(existsSync(dataDir), false, 'its data folder is gone');
  });

  it('B2: a load generator in the middle of its crowd stops once the bench is gone', async () => {
    const relay = await startRelay();
    try {
      const child = fork('bench/processes/crowd-generator.ts', [], { execArgv: TSX, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const measuring = once(child, 'message');
      const plan: CrowdPlan = { tables: 1, clients: 2, changesPerSecond: 5, warmupSeconds: 0, seconds: 120, mode: 'relay', url: relay.url, secret: 'bench-test', payloadBytes: 10 };
      child.send(plan);
      assert.deepEqual((await measuring)[0], { phase: 'measuring' });
      assert.equal(await orphan(child), 1, 'it stopped long before its two minutes of load');
    } finally {
      await orphan(relay.child);
    }
  });
});
