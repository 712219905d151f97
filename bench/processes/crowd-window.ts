import type { CrowdPlan, CrowdResult } from './crowd-generator';
import { waitForQuietDisk } from './quiet-disk';
import { runCrowd, type ProcessStats, type WatchedServer } from './spawn';

/** The goal's crowd (issue 12, goal 3): tables of this many clients, each table changing one value this often. */
export const CLIENTS = 5;
export const CHANGES_PER_SECOND = 5;

/** The crowd's load over `tables` tables, measured for `seconds` after 2 s of warm-up. */
export function crowdLoad(tables: number, seconds: number) {
  return { tables, clients: CLIENTS, changesPerSecond: CHANGES_PER_SECOND, warmupSeconds: 2, seconds };
}

/** One measured window of the crowd against one server (the game's or a relay). */
export interface Measured {
  result: CrowdResult;
  /** Before the crowd connects. */
  before: ProcessStats;
  /** Over the measured window (event-loop delay, CPU), and memory at its end, the crowd still connected. */
  during: ProcessStats;
}

export async function measure(server: WatchedServer, plan: Omit<CrowdPlan, 'url' | 'secret'>): Promise<Measured> {
  const disk = await waitForQuietDisk();
  if (!disk.quiet) console.error(`crowd: the disks were still busy after ${Math.round(disk.waitedMs)} ms; measuring anyway`);
  const before = await server.stats();
  let during: Promise<ProcessStats> | undefined;
  const result = await runCrowd(
    { ...plan, url: server.url, secret: server.secret },
    { measuring: () => server.resetStats(), measured: () => (during = server.stats()) },
  );
  if (!during) throw new Error('the load generator reported without a measured window');
  return { result, before, during: await during };
}

/** The relay's payload for events of `eventBytes`, padded to the bytes of one game-state-delta event (its own fields take 40). */
export function relayPayloadBytes(eventBytes: number): number {
  return Math.max(0, eventBytes - 40);
}

/** A figure that may be missing (NaN arrives as null over IPC). */
export function figure(value: number | null): number | string {
  return value === null || Number.isNaN(value) ? '–' : value;
}

/**
 * The server's event-loop delay p99, its CPU µs per change (all threads, then the event loop's
 * own) and its loop's wait for a CPU over a window of `seconds`, or '–' when the server read the
 * window's start and end together (its loop was too busy to read them on time).
 */
export function serverFigures(during: ProcessStats, sent: number, seconds: number): Array<number | string> {
  if (during.windowMs < (seconds * 1000) / 2) return ['–', '–', '–', '–'];
  const changesInWindow = (sent * during.windowMs) / (seconds * 1000);
  // NaN off Linux, null once over IPC
  const loopCpu = during.mainThreadCpuMs as number | null;
  const waited = during.mainThreadWaitMs as number | null;
  return [
    during.eventLoopDelay.p99,
    (during.cpuMs * 1000) / changesInWindow,
    figure(loopCpu === null ? null : (loopCpu * 1000) / changesInWindow),
    figure(waited === null ? null : (100 * waited) / during.windowMs),
  ];
}
