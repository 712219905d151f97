import { execFile } from 'node:child_process';
import { chown, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { promisify } from 'node:util';
import { freePort } from './server-process';

const run = promisify(execFile);

/** A PostgreSQL server of one test, on a port of its own, that the test stops and starts. */
export interface OwnPostgres {
  /** Its `postgres` database, as DATABASE_URL. */
  url: string;
  /** Shuts it down (fast: open connections are cut), as when the database host goes away. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** The binaries of the newest PostgreSQL installed from Debian's packages. */
async function binDir(): Promise<string> {
  const versions = (await readdir('/usr/lib/postgresql')).sort((a, b) => Number(b) - Number(a));
  if (versions[0] === undefined) throw new Error('no PostgreSQL under /usr/lib/postgresql');
  return path.join('/usr/lib/postgresql', versions[0], 'bin');
}

/** initdb and pg_ctl refuse root: as root, they run as the `postgres` user, in a folder it owns. */
async function asOwner(folder: string): Promise<(command: string, args: string[]) => Promise<unknown>> {
  const bin = await binDir();
  if (process.getuid?.() !== 0) return (command, args) => run(path.join(bin, command), args);
  const { stdout } = await run('id', ['-u', 'postgres']);
  const { stdout: group } = await run('id', ['-g', 'postgres']);
  await chown(folder, Number(stdout.trim()), Number(group.trim()));
  return (command, args) => run('runuser', ['-u', 'postgres', '--', path.join(bin, command), ...args]);
}

/** A new cluster in a temp folder, started; stopped and removed when the calling test file ends. */
export async function ownPostgres(): Promise<OwnPostgres> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'gamebook-own-pg-'));
  const dataDir = path.join(root, 'cluster');
  const pgRun = await asOwner(root);
  await pgRun('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const port = await freePort();
  // a socket folder of its own and no fsync: a throwaway server that only this test reaches
  const options = `-p ${port} -k ${dataDir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const pgCtl = (action: string[]) => pgRun('pg_ctl', ['-D', dataDir, '-w', '-l', path.join(dataDir, 'server.log'), ...action]);
  const own: OwnPostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start: () => pgCtl(['-o', options, 'start']).then(() => undefined),
    stop: () => pgCtl(['-m', 'fast', 'stop']).then(() => undefined),
  };
  // stopped before its folder goes, whatever the test left it in
  after(async () => {
    await own.stop().catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  });
  await own.start();
  return own;
}
