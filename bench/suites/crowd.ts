import type { CrowdPlan, CrowdResult } from '../processes/crowd-generator';
import { withBenchDatabase } from '../processes/bench-database';
import { runCrowd, startGameServer, startRelay, withWatched, type ProcessStats, type WatchedServer } from '../processes/spawn';
import type { BenchTable } from '../report';

const CLIENTS = 5;
const CHANGES_PER_SECOND = 5;
/** The goal's crowd first, then more tables until the ratio no longer holds. */
const TABLE_STEPS = (process.env.CROWD_TABLES ?? '400,600,800').split(',').map(Number);
/** Where the first step fails, the crowd is halved down to this many tables to find one that holds. */
const FEWEST_TABLES = 50;
const RATIO_LIMIT = 2;
const SECONDS = Number(process.env.CROWD_SECONDS ?? 8);

interface Measured {
  result: CrowdResult;
  /** Before the crowd connects. */
  before: ProcessStats;
  /** Over the measured window (event-loop delay, CPU), and memory at its end, the crowd still connected. */
  during: ProcessStats;
}

async function measure(server: WatchedServer, plan: Omit<CrowdPlan, 'url' | 'secret'>): Promise<Measured> {
  const before = await server.stats();
  let during: Promise<ProcessStats> | undefined;
  const result = await runCrowd(
    { ...plan, url: server.url, secret: server.secret },
    { measuring: () => server.resetStats(), measured: () => (during = server.stats()) },
  );
  if (!during) throw new Error('the load generator reported without a measured window');
  return { result, before, during: await during };
}

/** A figure that may be missing (NaN arrives as null over IPC). */
function figure(value: number | null): number | string {
  return value === null || Number.isNaN(value) ? '–' : value;
}

/**
 * The server's event-loop delay p99 and CPU µs per change over the window, or '–' when the server
 * read the window's start and end together (its loop was too busy to read them on time).
 */
function serverFigures(during: ProcessStats, sent: number): Array<number | string> {
  if (during.windowMs < (SECONDS * 1000) / 2) return ['–', '–'];
  const changesInWindow = (sent * during.windowMs) / (SECONDS * 1000);
  return [during.eventLoopDelay.p99, (during.cpuMs * 1000) / changesInWindow];
}

function row(label: string, tables: number, measured: Measured, baselineP99: number): Array<string | number> {
  const { result, before, during } = measured;
  const perTableKiB = (during.rssBytes - before.rssBytes) / tables / 1024;
  return [
    label,
    tables,
    figure(result.p50),
    figure(result.p99),
    result.p99 / baselineP99,
    `${result.delivered} / ${result.expected}`,
    result.errors.length,
    ...serverFigures(during, result.sent),
    figure(result.ackP99),
    Math.round(during.rssBytes / 2 ** 20),
    perTableKiB,
    result.generatorDelayP99,
  ];
}

/**
 * The next table count to try: up the list while the ratio holds; once the first step fails,
 * halved until one holds; none once a count holds after a failure, or fails after a hold.
 */
function nextTables(tables: number, holds: boolean, search: { held: boolean; failed: boolean }): number | undefined {
  if (holds) return search.failed ? undefined : TABLE_STEPS.find((step) => step > tables);
  if (search.held || tables <= FEWEST_TABLES) return undefined;
  return Math.max(FEWEST_TABLES, Math.floor(tables / 2));
}

/** Whether the game server's delivery held the goal beside the relay's: p99 within the ratio, every change, no errors. */
function held(game: Measured, relay: Measured): boolean {
  return game.result.p99 <= RATIO_LIMIT * relay.result.p99 && game.result.delivered === game.result.expected && game.result.errors.length === 0;
}

/**
 * Goal 3 of issue 12: a crowd on one node (default settings, SQLite) next to a bare Socket.IO relay
 * carrying the same traffic in the same run, the load generator in a process of its own. At the
 * first count, the cluster's store too (PostgreSQL, one node), beside the same relay.
 */
export async function crowdSuite(): Promise<BenchTable[]> {
  const rows: Array<Array<string | number>> = [];
  let eventBytes = 0;
  let largestHeld: number | undefined;
  let failed = false;
  for (let tables: number | undefined = TABLE_STEPS[0]; tables !== undefined; ) {
    const plan = { tables, clients: CLIENTS, changesPerSecond: CHANGES_PER_SECOND, warmupSeconds: 2, seconds: SECONDS };
    const game = await withWatched(startGameServer, (server) => measure(server, { ...plan, mode: 'game', payloadBytes: 0 }));
    eventBytes = game.result.eventBytes;
    // the relay's payload is padded to the bytes of one game-state-delta event
    const relay = await withWatched(startRelay, (server) => measure(server, { ...plan, mode: 'relay', payloadBytes: Math.max(0, eventBytes - 40) }));
    rows.push(row('bare Socket.IO relay (baseline)', tables, relay, relay.result.p99));
    console.error(JSON.stringify({ tables, game: game.result, relay: relay.result }));
    rows.push(row('update-game-state → game-state-delta (SQLite, defaults)', tables, game, relay.result.p99));
    if (tables === TABLE_STEPS[0]) {
      const onPostgres = await withBenchDatabase((url) =>
        withWatched(() => startGameServer({ STORAGE: 'postgres', DATABASE_URL: url }), (server) => measure(server, { ...plan, mode: 'game', payloadBytes: 0 })),
      );
      rows.push(row('update-game-state → game-state-delta (PostgreSQL, one node)', tables, onPostgres, relay.result.p99));
    }
    const holds = held(game, relay);
    const next = nextTables(tables, holds, { held: largestHeld !== undefined, failed });
    if (holds) largestHeld = tables;
    else failed = true;
    tables = next;
  }
  return [
    {
      title: `A crowd on one node: tables of ${CLIENTS} clients, ${CHANGES_PER_SECOND} changes/s each`,
      description: `Each table changes one value ${CHANGES_PER_SECOND} times a second, the sender rotating, every client (the sender too) receiving every change; ${SECONDS} s measured after 2 s of warm-up. Server, relay and load generator each in a process of their own; the baseline is a bare Socket.IO relay carrying the same events (${eventBytes} bytes) in the same run. Delivery: from the sender's emit to each receiver's event. The server's event-loop delay and CPU time (all its threads) over the measured window, CPU per change sent; memory: the server's RSS at the window's end with the crowd connected, and its growth per table since before the crowd connected. The table counts go up until the ratio passes ${RATIO_LIMIT}× (or the list ends); when the first count fails, they are halved (down to ${FEWEST_TABLES}) until one holds. The PostgreSQL row (the cluster's store, a fresh database on the machine's PostgreSQL) is measured at the first count only, against the same relay; the search follows the default. Largest count that held: ${largestHeld ?? `none of those tried (down to ${FEWEST_TABLES})`}.`,
      columns: ['path', 'tables', 'delivery p50 ms', 'delivery p99 ms', 'p99 ÷ relay', 'delivered / expected', 'errors', 'server event-loop delay p99 ms', 'server CPU µs per change', 'ack p99 ms', 'server RSS MB', 'KiB per table', 'generator delay p99 ms'],
      rows,
    },
  ];
}
