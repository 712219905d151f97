import { getPriority, setPriority } from 'node:os';

/**
 * The nice value of the SQLite writer and checkpointer threads: below the event loop's, which
 * stays at the process's. Waking the writer (a batch posted to it) let the scheduler run it on
 * the event loop's core at once, and the event loop waited while the writer ran its transaction:
 * under a crowd, a post took 160 µs on average and over 1 ms two or three times a second (up to
 * 6 ms), with every table of the node waiting. At nice 10 the writer takes a free core or the
 * event loop's idle time: posts of 90 µs, a sixth as many over 1 ms (docs/benchmarks-notes.md).
 * A commit, and so an acknowledgement, may wait a little longer; no delivery waits for one.
 */
export const BACKGROUND_NICE = 10;

/**
 * The nice value a SQLite thread should take, or undefined where a thread cannot take its own:
 * Linux's setpriority(PRIO_PROCESS, 0) sets the calling thread's, elsewhere it is the whole
 * process's (the event loop's too).
 */
export function backgroundNice(): number | undefined {
  return process.platform === 'linux' ? BACKGROUND_NICE : undefined;
}

/**
 * Gives the calling thread `nice` unless it already runs at that or lower a priority: raising
 * one's own nice value needs no privilege, lowering it does. Where the system refuses it anyway
 * (a sandbox's syscall filter), the thread works on at its priority, and says so on stderr.
 */
export function lowerThisThread(nice: number | undefined): void {
  if (nice === undefined || getPriority(0) >= nice) return;
  try {
    setPriority(0, nice);
  } catch (error) {
    process.emitWarning(`a SQLite thread keeps the event loop's priority: ${(error as Error).message}`, { code: 'GAMEBOOK_THREAD_PRIORITY' });
  }
}
