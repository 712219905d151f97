import type { PageView } from '../../../shared/layers-protocol';
import { toView } from '../stored-rows';
import type { ViewStore } from '../view-store';
import type { SqliteConnection } from './connection';

/** The last page view of each session, in the `view` column of its `sessions` row (JSON). */
export class SqliteViewStore implements ViewStore {
  private readonly sql;

  constructor(private readonly connection: SqliteConnection) {
    const { db } = connection;
    this.sql = {
      load: db.prepare<[string], { view: string | null }>('SELECT view FROM sessions WHERE id = ?'),
    };
  }

  async loadView(sessionId: string): Promise<PageView | null> {
    return toView(this.sql.load.get(sessionId)?.view);
  }

  saveView(sessionId: string, view: PageView): Promise<void> {
    return this.connection.writes.run({ kind: 'saveView', sessionId, json: JSON.stringify(view) });
  }
}
