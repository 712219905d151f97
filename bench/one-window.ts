import { crowdLoad, measure, relayPayloadBytes, serverFigures } from './processes/crowd-window';
import { startGameServer, startRelay, withWatched } from './processes/spawn';

/**
 * One window of the crowd (bench/suites/crowd.ts) against one server, printed as a line of JSON:
 * for comparing a change, or a setting, in turns with the relay within minutes instead of a whole
 * suite. The server runs built (`npm run build:server` first) with this shell's environment over
 * its defaults (STORAGE, HISTORY_MAX_ENTRIES...), and CROWD_CPU_PROF / CROWD_ALLOC_PROF profile it.
 * Usage: npx tsx bench/one-window.ts game|relay [tables=400] [seconds=15] [eventBytes=86]
 * (eventBytes: the game's delta event, as the crowd suite reports it, which the relay's is padded to).
 */
const [path = 'game', tablesArg = '400', secondsArg = '15', eventBytesArg = '86'] = process.argv.slice(2);
if (path !== 'game' && path !== 'relay') throw new Error('usage: one-window.ts game|relay [tables] [seconds] [eventBytes]');
const seconds = Number(secondsArg);
const plan = crowdLoad(Number(tablesArg), seconds);
const measured = await withWatched(path === 'game' ? () => startGameServer() : startRelay, (server) =>
  path === 'game'
    ? measure(server, { ...plan, mode: 'game', payloadBytes: 0 })
    : measure(server, { ...plan, mode: 'relay', payloadBytes: relayPayloadBytes(Number(eventBytesArg)), relayAcks: true }),
);
const { result, during } = measured;
const [loopDelayP99, cpuPerChange, loopCpuPerChange, loopWaitingPercent] = serverFigures(during, result.sent, seconds);
console.log(
  JSON.stringify({
    path,
    tables: plan.tables,
    p50: result.p50,
    p99: result.p99,
    ackP99: result.ackP99,
    delivered: `${result.delivered} / ${result.expected}`,
    errors: result.errors.length,
    loopDelayP99,
    cpuPerChange,
    loopCpuPerChange,
    loopWaitingPercent,
    generatorCpuPercent: (100 * result.generatorCpuMs) / (seconds * 1000),
  }),
);
