import { ProtocolError } from '../../shared/errors';
import type { SessionDependent } from '../storage/session-dependent';

export interface UsageLimits {
  /** JSON bytes of one table: its game state and all its layers. */
  maxTableBytes: number;
  /** JSON bytes of all the tables one user created (is the host of). */
  maxUserBytes: number;
}

interface TableEntry {
  hostId: string;
  bytes: number;
}

/**
 * How many bytes each table holds and, summed, each user's tables. A table counts from when this
 * process creates or loads it until it expires; an evicted table keeps counting (it is still
 * stored). In memory for now, like the other per-user counters.
 */
export class TableUsage implements SessionDependent {
  readonly name = 'table usage';
  private readonly tables = new Map<string, TableEntry>();
  private readonly users = new Map<string, number>();

  constructor(private readonly limits: UsageLimits) {}

  /** Throws `too-large` when growing the table to `bytes` passes its limit or its host's; shrinking always passes. */
  check(sessionId: string, hostId: string, bytes: number): void {
    const current = this.tables.get(sessionId)?.bytes ?? 0;
    if (bytes <= current) return;
    const { maxTableBytes, maxUserBytes } = this.limits;
    if (bytes > maxTableBytes) {
      throw new ProtocolError('too-large', `a table (its state and layers) may hold at most ${maxTableBytes} bytes of JSON`);
    }
    if ((this.users.get(hostId) ?? 0) - current + bytes > maxUserBytes) {
      throw new ProtocolError('too-large', `the tables one user created may hold at most ${maxUserBytes} bytes of JSON together`);
    }
  }

  record(sessionId: string, hostId: string, bytes: number): void {
    const entry = this.tables.get(sessionId);
    const previous = entry?.bytes ?? 0;
    // counted after every update: the entry is changed in place rather than made again
    if (entry?.hostId === hostId) entry.bytes = bytes;
    else this.tables.set(sessionId, { hostId, bytes });
    this.users.set(hostId, (this.users.get(hostId) ?? 0) - previous + bytes);
  }

  async removeSessions(sessionIds: readonly string[]): Promise<void> {
    for (const id of sessionIds) {
      const entry = this.tables.get(id);
      if (!entry) continue;
      this.tables.delete(id);
      const left = (this.users.get(entry.hostId) ?? 0) - entry.bytes;
      if (left > 0) this.users.set(entry.hostId, left);
      else this.users.delete(entry.hostId);
    }
  }
}
