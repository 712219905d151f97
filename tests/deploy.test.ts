import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
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
});
