import { crc32Utf8 } from '../../shared/crc32';

/**
 * How many versions early a table's first snapshot after a load comes: 0 to half the interval,
 * from its id. Tables loaded together (a node starting, a crowd opening its tables at once) were
 * otherwise all due in the same second: at 400 tables, a second of snapshots that held every
 * delivery back (docs/benchmarks-notes.md).
 */
export function snapshotPhase(id: string, every: number): number {
  return crc32Utf8(id) % Math.ceil(every / 2);
}
