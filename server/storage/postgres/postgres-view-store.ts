import type { PageView } from '../../../shared/layers-protocol';
import { toView } from '../stored-rows';
import type { ViewStore } from '../view-store';
import type { PostgresDatabase } from './database';

/** The last page view of each session, in the `view` column of its `sessions` row (JSON text). */
export class PostgresViewStore implements ViewStore {
  constructor(private readonly db: PostgresDatabase) {}

  async loadView(sessionId: string): Promise<PageView | null> {
    const { rows } = await this.db.query('SELECT view FROM sessions WHERE id = $1', [sessionId]);
    return toView((rows[0] as { view: string | null } | undefined)?.view);
  }

  async saveView(sessionId: string, view: PageView): Promise<void> {
    await this.db.query('UPDATE sessions SET view = $2 WHERE id = $1', [sessionId, JSON.stringify(view)]);
  }
}
