import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * Runs a server module in this process and answers the bench's `stats` message over IPC with the
 * event-loop delay and memory since the last `reset`: the server itself stays as `npm start` runs it.
 * Usage: node --import tsx bench/processes/monitored.ts <module>
 */
const histogram = monitorEventLoopDelay({ resolution: 5 });
histogram.enable();

const ms = (ns: number) => ns / 1e6;

process.on('message', (message: unknown) => {
  if (message === 'reset') histogram.reset();
  if (message !== 'stats') return;
  global.gc?.();
  const memory = process.memoryUsage();
  process.send?.({
    eventLoopDelay: { p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max) },
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
  });
});

const target = process.argv[2];
if (!target) throw new Error('usage: monitored.ts <module>');
await import(new URL(target, `file://${process.cwd()}/`).href);
