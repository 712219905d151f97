import type { ErrorCode } from '../../shared/errors';

/** What happened to one client event: acknowledged, or refused with a contract code. */
export type EventOutcome = 'ok' | ErrorCode;

/** What the transport tells of the events it handles. */
export interface EventMetrics {
  /** A client event arrived (counted before it is checked: a refused one counts too). */
  received(event: string): void;
  /** The event was answered, `seconds` after it arrived. */
  answered(event: string, outcome: EventOutcome, seconds: number): void;
}

/** What the storage tells of its writes. */
export interface CommitMetrics {
  /** A write of a session (`append`, `applied`) finished, `seconds` after it started. */
  committed(write: string, outcome: 'ok' | 'failed', seconds: number): void;
}

/** What the HTTP routes tell of the requests they refuse. */
export interface HttpMetrics {
  /** A request to `route` (method and pattern) was answered with the contract's error `code`. */
  refused(route: string, code: ErrorCode): void;
}

/**
 * What a cross-node fan-out tells: a delta another node appended reached this node `seconds`
 * after that node sent it (the sender's clock: nodes are expected to run NTP).
 */
export interface FanoutObserver {
  fanoutLag(seconds: number): void;
}

/** Every observation a node makes for /metrics. */
export interface NodeMetrics extends EventMetrics, CommitMetrics, FanoutObserver, HttpMetrics {}

/** Observes nothing: for parts built without a node around them (unit tests, tools). */
export const noMetrics: NodeMetrics = {
  received: () => undefined,
  answered: () => undefined,
  committed: () => undefined,
  fanoutLag: () => undefined,
  refused: () => undefined,
};

/** Seconds since `start` (a `performance.now()` reading). */
export function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}
