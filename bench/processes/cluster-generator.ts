import { z } from 'zod';
import { TokenService } from '../../server/auth/tokens';
import { percentile } from '../report';
import { connectGuest, loadShapeSchema, runWhenTold, sleep } from './generator-process';
import type { LightSocket } from './light-socket';

/**
 * The load of the cluster bench, in a process of its own (forked by bench/suites/cluster.ts, told
 * what to do over IPC): `tables` tables of `clients` sockets, client c of table t on node
 * (t + c) mod nodes; each table changes `changesPerSecond` times a second, the sender rotating
 * among its clients, each update setting the sender's own key; every other client receives it.
 */
export const clusterPlanSchema = loadShapeSchema.extend({
  /** One URL per node. */
  urls: z.array(z.string()).min(1),
  /** The nodes' shared SESSION_SECRET: tokens are issued here, not by guest logins. */
  secret: z.string(),
});
export type ClusterPlan = z.infer<typeof clusterPlanSchema>;

/** Delivery latencies, ms, from the sender's emit to a receiver's game-state-delta. */
export interface Latencies {
  count: number;
  p50: number;
  p99: number;
}

export interface ClusterResult {
  /** Updates sent in the measured window and acknowledged (whenever), per second of it. */
  ackedPerSecond: number;
  ackP50: number;
  ackP99: number;
  /** Every delivery; those to a client on the sender's node; those to a client on another node. */
  delivery: Latencies;
  sameNode: Latencies;
  crossNode: Latencies;
  expected: number;
  errors: string[];
}

interface Client {
  socket: LightSocket;
  sessionId: string;
  node: number;
  key: string;
  version: number;
  next: number;
}

class ClusterLoad {
  private readonly tokens: TokenService;
  private readonly sentAt = new Map<string, { at: number; node: number }>();
  private readonly acks: number[] = [];
  private readonly same: number[] = [];
  private readonly cross: number[] = [];
  private readonly errors: string[] = [];
  private measuring = false;
  private measuredSends = 0;

  constructor(private readonly plan: ClusterPlan) {
    this.tokens = new TokenService(plan.secret);
  }

  async run(): Promise<ClusterResult> {
    const tables = await Promise.all(Array.from({ length: this.plan.tables }, (_, t) => this.openTable(t)));
    const clients = tables.flat();
    const timers = tables.map((table, t) => this.startChanging(table, t));
    await sleep(this.plan.warmupSeconds * 1000);
    this.measuring = true;
    await sleep(this.plan.seconds * 1000);
    this.measuring = false;
    for (const timer of timers) clearInterval(timer.interval ?? timer.start);
    // the deliveries of the last sends still arrive
    await sleep(2000);
    for (const client of clients) client.socket.close();
    const all = [...this.same, ...this.cross];
    return {
      ackedPerSecond: this.acks.length / this.plan.seconds,
      ...prefixed(this.acks),
      delivery: latencies(all),
      sameNode: latencies(this.same),
      crossNode: latencies(this.cross),
      expected: this.measuredSends * (this.plan.clients - 1),
      errors: this.errors.slice(0, 10),
    };
  }

  private async openTable(t: number): Promise<Client[]> {
    const nodes = this.plan.urls.length;
    const clients = await Promise.all(
      Array.from({ length: this.plan.clients }, async (_, c) => {
        const node = (t + c) % nodes;
        const socket = await connectGuest(this.plan.urls[node]!, this.tokens, `bench:t${t}c${c}`);
        return { socket, sessionId: '', node, key: `c${c}`, version: 0, next: 1 };
      }),
    );
    const created = (await clients[0]!.socket.emitWithAck('create-session')) as { ok: boolean; sessionId: string };
    if (!created.ok) throw new Error(`create-session refused: ${JSON.stringify(created)}`);
    for (const client of clients) {
      client.sessionId = created.sessionId;
      await this.join(client);
      this.listen(client);
    }
    return clients;
  }

  private async join(client: Client): Promise<void> {
    const full = new Promise<{ version: number }>((resolve) => client.socket.once('full-game-state', resolve));
    const ack = (await client.socket.emitWithAck('join-session', { sessionId: client.sessionId, clientKey: client.key })) as { ok: boolean };
    if (!ack.ok) throw new Error(`join-session refused: ${JSON.stringify(ack)}`);
    client.version = (await full).version;
  }

  private listen(client: Client): void {
    client.socket.on('game-state-delta', (entry: { version: number; delta: Record<string, unknown[]> }) => {
      client.version = Math.max(client.version, entry.version);
      for (const [key, change] of Object.entries(entry.delta)) {
        if (key === client.key || !Array.isArray(change)) continue;
        const sent = this.sentAt.get(`${client.sessionId}:${key}:${change.at(-1)}`);
        if (!sent) continue;
        (sent.node === client.node ? this.same : this.cross).push(performance.now() - sent.at);
      }
    });
    client.socket.on('session-error', (error: unknown) => this.errors.push(JSON.stringify(error)));
  }

  /** The table's changes, phased so that the tables do not all send in the same millisecond. */
  private startChanging(table: Client[], index: number): { start: NodeJS.Timeout; interval?: NodeJS.Timeout } {
    const period = 1000 / this.plan.changesPerSecond;
    let turn = 0;
    const timer: { start: NodeJS.Timeout; interval?: NodeJS.Timeout } = {
      start: setTimeout(() => {
        timer.interval = setInterval(() => this.send(table[turn++ % table.length]!), period);
      }, (index / this.plan.tables) * period),
    };
    return timer;
  }

  private send(client: Client): void {
    const n = client.next++;
    const started = performance.now();
    const measured = this.measuring;
    if (measured) {
      this.measuredSends++;
      this.sentAt.set(`${client.sessionId}:${client.key}:${n}`, { at: started, node: client.node });
    }
    const update = { updates: { [client.key]: n }, baseVersion: client.version, updateId: `${client.key}-${n}` };
    client.socket.emit('update-game-state', update, (ack: { ok: boolean; version?: number; error?: unknown }) => {
      if (!ack.ok) this.errors.push(JSON.stringify(ack.error));
      else if (measured) this.acks.push(performance.now() - started);
    });
  }
}

function latencies(values: number[]): Latencies {
  const sorted = values.sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

function prefixed(acks: number[]): { ackP50: number; ackP99: number } {
  const { p50, p99 } = latencies(acks);
  return { ackP50: p50, ackP99: p99 };
}

runWhenTold(clusterPlanSchema.parse, (plan) => new ClusterLoad(plan).run());
