import { readFileSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { exitWithParent } from './exit-with-parent';
import { LoopDelayWatch } from './loop-delay';

/**
 * Runs a server module in this process and answers the bench's `stats` message over IPC with the
 * event-loop delay, CPU time and memory since the last `reset`: the server itself stays as `npm start` runs it.
 * With CROWD_CPU_PROF naming a folder, the CPU profile of each window from `reset` to `stats` is
 * written there (what the server does under load, without its start-up); with CROWD_ALLOC_PROF set
 * as well, the sampling heap profile of the same window beside it (`alloc-*.heapprofile`: every
 * allocation site, the garbage included, one sample per 4 KiB on average).
 * Usage: node --import tsx bench/processes/monitored.ts <module>
 */
const loopDelay = new LoopDelayWatch();
loopDelay.enable();
let cpuAtReset = process.cpuUsage();
let resetAt = performance.now();

/**
 * The event loop's thread's own time on a CPU and its time waiting, runnable, for one (Linux's
 * schedstat, ms; NaN where there is none). The wait is latency that no change to the server's
 * code removes, on a machine whose cores the load generator and the server's other threads also
 * want; the time on a CPU is the loop's alone, without the SQLite writer's or the collector's
 * helper threads that the process's CPU time counts too.
 */
function mainThreadTimes(): { cpuMs: number; waitMs: number } {
  try {
    const [cpu, wait] = readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ');
    return { cpuMs: Number(cpu) / 1e6, waitMs: Number(wait) / 1e6 };
  } catch {
    return { cpuMs: Number.NaN, waitMs: Number.NaN };
  }
}
let mainThreadAtReset = mainThreadTimes();

const profileDir = process.env.CROWD_CPU_PROF;
const profiler = profileDir ? new Session() : undefined;
profiler?.connect();
await profiler?.post('Profiler.enable');
const allocations = process.env.CROWD_ALLOC_PROF !== undefined;
if (allocations) await profiler?.post('HeapProfiler.enable');

let profiling = false;

async function saveProfile(): Promise<void> {
  if (!profiler || !profileDir || !profiling) return;
  profiling = false;
  const { profile } = await profiler.post('Profiler.stop');
  if (allocations) {
    const sampled = await profiler.post('HeapProfiler.stopSampling');
    await writeFile(path.join(profileDir, `alloc-${process.pid}-${Date.now()}.heapprofile`), JSON.stringify(sampled.profile));
  }
  await writeFile(path.join(profileDir, `${path.basename(process.argv[2] ?? 'server', '.ts')}-${process.pid}-${Date.now()}.cpuprofile`), JSON.stringify(profile));
}

process.on('message', async (message: unknown) => {
  if (message === 'reset') {
    loopDelay.reset();
    cpuAtReset = process.cpuUsage();
    mainThreadAtReset = mainThreadTimes();
    resetAt = performance.now();
    await profiler?.post('Profiler.start');
    // what dies young counts too: it is what the scavenges and the caches pay for
    if (allocations) await profiler?.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    profiling = profiler !== undefined;
  }
  if (message !== 'stats') return;
  // read before the profile is written and the heap collected, which are not the server's work
  const cpu = process.cpuUsage(cpuAtReset);
  const mainThread = mainThreadTimes();
  const mainThreadWaitMs = mainThread.waitMs - mainThreadAtReset.waitMs;
  const mainThreadCpuMs = mainThread.cpuMs - mainThreadAtReset.cpuMs;
  const windowMs = performance.now() - resetAt;
  const eventLoopDelay = loopDelay.read();
  await saveProfile();
  global.gc?.();
  const memory = process.memoryUsage();
  process.send?.({ eventLoopDelay, rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, cpuMs: (cpu.user + cpu.system) / 1000, mainThreadCpuMs, mainThreadWaitMs, windowMs });
});

const target = process.argv[2];
if (!target) throw new Error('usage: monitored.ts <module>');
// the folder the bench made for this server (spawn.ts), which a bench that is gone cannot remove
const dataDir = process.env.DATA_DIR;
exitWithParent(() => dataDir && rmSync(dataDir, { recursive: true, force: true }));
await import(new URL(target, `file://${process.cwd()}/`).href);
