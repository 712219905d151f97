import type { LoggedUpdate } from '../../server/storage/session-store';
import { SqliteConnection } from '../../server/storage/sqlite/connection';
import { SqliteSessionStore } from '../../server/storage/sqlite/sqlite-store';
import { StorageError } from '../../server/storage/storage-error';

/**
 * The real SQLite session store, whose update commits wait until the test lets them go (or fail
 * them as a full disk would): the window between an update's relay and its commit, held open.
 */
export class HeldCommits extends SqliteSessionStore {
  private readonly held: Array<(outcome: 'commit' | 'fail') => void> = [];
  /** The versions of each append asked for, in the order asked: one list per store call. */
  readonly appends: number[][] = [];

  static openHeld(file: string): HeldCommits {
    return new HeldCommits(SqliteConnection.open({ file, sync: 'full' }));
  }

  get waiting(): number {
    return this.held.length;
  }

  /** Lets the oldest held commit go on, or fails it. */
  release(outcome: 'commit' | 'fail' = 'commit'): void {
    this.held.shift()?.(outcome);
  }

  override async appendUpdates(id: string, updates: readonly LoggedUpdate[]): Promise<void> {
    this.appends.push(updates.map(({ entry }) => entry.version));
    const outcome = await new Promise<'commit' | 'fail'>((resolve) => this.held.push(resolve));
    if (outcome === 'fail') throw new StorageError('storage-full', 'the test filled the disk');
    return super.appendUpdates(id, updates);
  }
}
