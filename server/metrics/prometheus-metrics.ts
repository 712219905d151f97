import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ErrorCode } from '../../shared/errors';
import type { EventOutcome, NodeMetrics } from './metrics';

/** What a node holds now, read at each scrape. */
export interface NodeGauges {
  /** Tables held in memory, loaded or loading. */
  tables: () => number;
  /** Sockets connected to this node. */
  sockets: () => number;
}

/** Milliseconds to seconds: an ack on one node is a few ms; one through a slow database, seconds. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The node's metrics in Prometheus' format, each labelled with the node's id. Counters count
 * (a rate over them gives per second); the gauges are read from `gauges` when scraped.
 */
export class PrometheusMetrics implements NodeMetrics {
  readonly registry = new Registry();
  private readonly events: Counter<'event'>;
  private readonly acks: Counter<'event'>;
  private readonly errors: Counter<'event' | 'code'>;
  private readonly ackSeconds: Histogram<'event'>;
  private readonly commitSeconds: Histogram<'write' | 'outcome'>;
  private readonly fanoutSeconds: Histogram;
  private readonly httpErrors: Counter<'route' | 'code'>;

  constructor(nodeId: string) {
    const registers = [this.registry];
    this.registry.setDefaultLabels({ node: nodeId });
    collectDefaultMetrics({ register: this.registry, prefix: 'gamebook_' });
    this.events = new Counter({ name: 'gamebook_events_total', help: 'client events received, by event', labelNames: ['event'], registers });
    this.acks = new Counter({ name: 'gamebook_acks_total', help: 'client events answered ok, by event', labelNames: ['event'], registers });
    this.errors = new Counter({
      name: 'gamebook_errors_total',
      help: 'client events refused, by event and contract error code',
      labelNames: ['event', 'code'],
      registers,
    });
    this.ackSeconds = new Histogram({
      name: 'gamebook_ack_seconds',
      help: 'from an event arriving to its ok answer (an update: once committed)',
      labelNames: ['event'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.commitSeconds = new Histogram({
      name: 'gamebook_commit_seconds',
      help: 'one write of a session to the store, by write and outcome',
      labelNames: ['write', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.fanoutSeconds = new Histogram({
      name: 'gamebook_fanout_lag_seconds',
      help: 'from another node sending a change to this node receiving it',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.httpErrors = new Counter({
      name: 'gamebook_http_errors_total',
      help: 'HTTP requests refused, by route (method and pattern) and contract error code',
      labelNames: ['route', 'code'],
      registers,
    });
  }

  /** Reads the node's gauges at each scrape from now on. */
  watch(gauges: NodeGauges): void {
    const registers = [this.registry];
    new Gauge({ name: 'gamebook_tables_in_memory', help: 'tables this node holds in memory', registers, collect() { this.set(gauges.tables()); } });
    new Gauge({ name: 'gamebook_sockets', help: 'sockets connected to this node', registers, collect() { this.set(gauges.sockets()); } });
  }

  received(event: string): void {
    this.events.inc({ event });
  }

  answered(event: string, outcome: EventOutcome, seconds: number): void {
    if (outcome !== 'ok') {
      this.errors.inc({ event, code: outcome });
      return;
    }
    this.acks.inc({ event });
    this.ackSeconds.observe({ event }, seconds);
  }

  committed(write: string, outcome: 'ok' | 'failed', seconds: number): void {
    this.commitSeconds.observe({ write, outcome }, seconds);
  }

  fanoutLag(seconds: number): void {
    this.fanoutSeconds.observe(seconds);
  }

  refused(route: string, code: ErrorCode): void {
    this.httpErrors.inc({ route, code });
  }

  /** The text a scrape gets, and its content type. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
