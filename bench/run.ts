import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { formatTable, type BenchSuite, type BenchTable } from './report';
import { useRunTempDir } from './run-temp-dir';
import { suites } from './suites/index';

/** Runs every suite (or those named on the command line), prints the tables, writes docs/benchmarks.md. */
async function main(): Promise<void> {
  const only = process.argv.slice(2);
  useRunTempDir();
  // the servers the benches start in processes of their own run as npm start runs them: built
  execFileSync('npm', ['run', 'build:server'], { stdio: 'inherit' });
  const tables: BenchTable[] = [];
  for (const [name, suite] of Object.entries(suites) as Array<[string, BenchSuite]>) {
    if (only.length > 0 && !only.includes(name)) continue;
    console.error(`running ${name}...`);
    // the suites before leave this process's heap at a gigabyte or more, and its full collection
    // took half a core once in a crowd window: collected now, before a suite measures anything
    (globalThis as { gc?: () => void }).gc?.();
    for (const table of await suite()) {
      console.log(formatTable(table));
      tables.push(table);
    }
  }
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const header = `# Benchmarks\n\nWritten by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} (${machine}).\nEvery ratio compares with a baseline measured in the same run.\n\n`;
  await mkdir('docs', { recursive: true });
  if (only.length === 0) await writeFile('docs/benchmarks.md', header + tables.map(formatTable).join('\n'));
}

await main();
