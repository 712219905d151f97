import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from './support/temp-dir';

/** A run that made a folder under os.tmpdir() (as a suite and its servers do), then waits to be stopped. */
const RUN = `
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useRunTempDir } from './bench/run-temp-dir.ts';
const runDir = useRunTempDir();
const suiteDir = mkdtempSync(path.join(os.tmpdir(), 'gamebook-bench-'));
writeFileSync(path.join(suiteDir, 'gamebook.sqlite'), 'data');
console.log(JSON.stringify({ runDir, suiteDir }));
setInterval(() => undefined, 1000);
`;

describe("the bench run's temporary folders", () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`BT1 (${signal}): a run stopped by ${signal} leaves none of its temporary folders behind`, async () => {
      const parent = await tempDir('gamebook-bench-parent-');
      const run = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', RUN], { env: { ...process.env, TMPDIR: parent }, stdio: ['ignore', 'pipe', 'inherit'] });
      const [line] = (await once(run.stdout, 'data')) as [Buffer];
      const { runDir, suiteDir } = JSON.parse(line.toString()) as { runDir: string; suiteDir: string };
      assert.equal(path.dirname(runDir), parent);
      assert.equal(path.dirname(suiteDir), runDir, "the suite's folder is inside the run's");
      assert.ok(existsSync(path.join(suiteDir, 'gamebook.sqlite')));
      run.kill(signal);
      const [code] = (await once(run, 'exit')) as [number | null];
      assert.equal(code, signal === 'SIGINT' ? 130 : 143);
      // tsx keeps its compile cache there, as it does in the system's temp folder
      assert.deepEqual(readdirSync(parent).filter((name) => !name.startsWith('tsx-')), [], 'nothing of the run left in the folder it started in');
    });
  }
});
