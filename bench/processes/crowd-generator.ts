import { z } from 'zod';
import { TokenService } from '../../server/auth/tokens';
import { percentile } from '../report';
import { connectGuest, loadShapeSchema, runWhenTold, sleep } from './generator-process';
import { LoopDelayWatch } from './loop-delay';
import type { LightSocket } from './light-socket';

/**
 * The crowd, in a process of its own (forked by bench/suites/crowd.ts, told what to do over IPC):
 * `tables` tables of `clients` sockets, each table changing one value `changesPerSecond` times a
 * second, the sender rotating among its clients, every client receiving every change. Against the
 * real server (mode `game`: update-game-state → game-state-delta) or the bare relay (mode `relay`).
 */
export const crowdPlanSchema = loadShapeSchema.extend({
  mode: z.enum(['game', 'relay']),
  url: z.string(),
  /** The server's SESSION_SECRET: the crowd's tokens are issued here, not by 2,000 guest logins. */
  secret: z.string(),
  /** Relay mode: the bytes of each relayed payload (the game mode's delta, measured before). */
  payloadBytes: z.number().int().nonnegative(),
  /** Relay mode: each change is emitted with an ack callback, which the relay answers at once (the game's traffic, packet for packet). */
  relayAcks: z.boolean().default(false),
});
export type CrowdPlan = z.input<typeof crowdPlanSchema>;

export interface CrowdResult {
  sent: number;
  expected: number;
  delivered: number;
  errors: string[];
  /** Delivery latency from the sender's emit to each receiver's event, ms. */
  p50: number;
  p99: number;
  max: number;
  /** Game mode: from emit to the sender's ack (committed). */
  ackP50: number;
  ackP99: number;
  /** Bytes of one delivered event's JSON payload. */
  eventBytes: number;
  /** This generator's own event-loop delay p99, ms: high means the crowd, not the server, is the bottleneck. */
  generatorDelayP99: number;
  /** This generator's CPU time over the measured window, ms (every thread). */
  generatorCpuMs: number;
}

interface Table {
  room: string;
  sockets: LightSocket[];
  versions: number[];
  next: number;
  /** When each measured change `n` was emitted (a double array: nothing for the collector to trace). */
  sentAt: number[];
}

const CONNECT_BATCH = 50;

class Crowd {
  private readonly tokens: TokenService;
  private readonly deliveries: number[] = [];
  private readonly acks: number[] = [];
  private readonly errors: string[] = [];
  private measuring = false;
  private sent = 0;
  private delivered = 0;
  private eventBytes = 0;

  constructor(private readonly plan: CrowdPlan) {
    this.tokens = new TokenService(plan.secret);
  }

  async run(): Promise<CrowdResult> {
    const tables = await this.openTables();
    const delay = new LoopDelayWatch();
    const timers = tables.map((table, i) => this.startChanging(table, i));
    await sleep(this.plan.warmupSeconds * 1000);
    this.measuring = true;
    process.send?.({ phase: 'measuring' });
    delay.enable();
    const cpuAtStart = process.cpuUsage();
    await sleep(this.plan.seconds * 1000);
    this.measuring = false;
    const cpu = process.cpuUsage(cpuAtStart);
    process.send?.({ phase: 'measured' });
    delay.disable();
    for (const timer of timers) clearInterval(timer.interval ?? timer.start);
    const expected = this.sent * this.plan.clients;
    const deadline = Date.now() + 5000;
    while (this.delivered < expected && Date.now() < deadline) await sleep(50);
    for (const table of tables) for (const socket of table.sockets) socket.close();
    const sorted = this.deliveries.sort((a, b) => a - b);
    const acks = this.acks.sort((a, b) => a - b);
    return {
      sent: this.sent,
      expected,
      delivered: this.delivered,
      errors: this.errors.slice(0, 10),
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted.at(-1) ?? Number.NaN,
      ackP50: percentile(acks, 50),
      ackP99: percentile(acks, 99),
      eventBytes: this.eventBytes,
      generatorDelayP99: delay.read().p99,
      generatorCpuMs: (cpu.user + cpu.system) / 1000,
    };
  }

  private async openTables(): Promise<Table[]> {
    const tables: Table[] = [];
    for (let first = 0; first < this.plan.tables; first += CONNECT_BATCH) {
      const count = Math.min(CONNECT_BATCH, this.plan.tables - first);
      tables.push(...(await Promise.all(Array.from({ length: count }, (_, i) => this.openTable(first + i)))));
    }
    return tables;
  }

  private async openTable(index: number): Promise<Table> {
    const sockets = await Promise.all(Array.from({ length: this.plan.clients }, (_, c) => connectGuest(this.plan.url, this.tokens, `bench:t${index}c${c}`)));
    const table: Table = { room: '', sockets, versions: sockets.map(() => 0), next: 1, sentAt: [] };
    if (this.plan.mode === 'relay') {
      table.room = `table-${index}`;
      await Promise.all(sockets.map((socket) => socket.emitWithAck('join', table.room)));
    } else {
      const created = (await sockets[0]?.emitWithAck('create-session')) as { ok: boolean; sessionId: string };
      if (!created.ok) throw new Error(`create-session refused: ${JSON.stringify(created)}`);
      table.room = created.sessionId;
      await Promise.all(sockets.map((socket, c) => this.joinGame(table, socket, c)));
    }
    sockets.forEach((socket, c) => this.listen(table, socket, c));
    return table;
  }

  private async joinGame(table: Table, socket: LightSocket, c: number): Promise<void> {
    const full = new Promise<{ version: number }>((resolve) => socket.once('full-game-state', resolve));
    const ack = (await socket.emitWithAck('join-session', { sessionId: table.room, clientKey: `c${c}` })) as { ok: boolean };
    if (!ack.ok) throw new Error(`join-session refused: ${JSON.stringify(ack)}`);
    table.versions[c] = (await full).version;
  }

  private listen(table: Table, socket: LightSocket, c: number): void {
    if (this.plan.mode === 'relay') {
      socket.on('relayed', (payload: { n: number }) => this.received(table, payload.n, payload));
      return;
    }
    socket.on('game-state-delta', (entry: { version: number; delta: { tick?: number[] } }) => {
      table.versions[c] = entry.version;
      const tick = entry.delta.tick;
      if (tick) this.received(table, tick[tick.length - 1] as number, entry);
    });
    socket.on('session-error', (error: unknown) => this.errors.push(JSON.stringify(error)));
  }

  private received(table: Table, n: number, payload: unknown): void {
    const sentAt = table.sentAt[n];
    if (sentAt === undefined) return;
    this.delivered++;
    this.deliveries.push(performance.now() - sentAt);
    if (this.eventBytes === 0) this.eventBytes = Buffer.byteLength(JSON.stringify(payload));
  }

  /** The table's changes, phased so that the tables do not all send in the same millisecond. */
  private startChanging(table: Table, index: number): { start: NodeJS.Timeout; interval?: NodeJS.Timeout } {
    const period = 1000 / this.plan.changesPerSecond;
    const timer: { start: NodeJS.Timeout; interval?: NodeJS.Timeout } = {
      start: setTimeout(() => {
        timer.interval = setInterval(() => this.change(table), period);
      }, (index / this.plan.tables) * period),
    };
    return timer;
  }

  private change(table: Table): void {
    const n = table.next++;
    const c = n % table.sockets.length;
    const socket = table.sockets[c] as LightSocket;
    const started = performance.now();
    const measured = this.measuring;
    if (measured) {
      this.sent++;
      table.sentAt[n] = started;
    }
    if (this.plan.mode === 'relay') {
      const payload = { room: table.room, n, pad: 'x'.repeat(this.plan.payloadBytes) };
      if (this.plan.relayAcks) socket.emit('relay', payload, () => this.acked(started, measured));
      else socket.emit('relay', payload);
      return;
    }
    const update = { updates: { tick: n }, baseVersion: table.versions[c], updateId: `c${c}-${n}` };
    socket.emit('update-game-state', update, (ack: { ok: boolean; error?: unknown }) => {
      if (!ack.ok) this.errors.push(JSON.stringify(ack.error));
      else this.acked(started, measured);
    });
  }

  private acked(started: number, measured: boolean): void {
    if (measured) this.acks.push(performance.now() - started);
  }
}

runWhenTold(crowdPlanSchema.parse, (plan) => new Crowd(plan).run());
