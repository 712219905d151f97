/**
 * Ends this bench child when the bench that forked it is gone. A bench stopped by a signal sent to
 * it alone (`timeout`, `pkill -f bench/run.ts`) does not stop its children, and a server or load
 * generator left behind holds a port and takes CPU from every later run: five were found after an
 * hour of runs, one 56 minutes old (docs/benchmarks-notes.md, "an eleventh machine"). The IPC
 * channel closes when the parent dies, however it dies. `cleanUp` removes, before the exit, what
 * the bench would have removed after it (a server's data folder).
 */
export function exitWithParent(cleanUp?: () => void): void {
  process.once('disconnect', () => {
    cleanUp?.();
    process.exit(1);
  });
}
