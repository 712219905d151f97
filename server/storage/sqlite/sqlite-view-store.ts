import { pageViewSchema, type PageView } from '../../../shared/layers-protocol';
import type { ViewStore } from '../view-store';
import type { SqliteConnection } from './connection';

/** The last page view of each session, in the `view` column of its `sessions` row (JSON). */
export class SqliteViewStore implements ViewStore {
  private readonly sql;

  constructor(private readonly connection: SqliteConnection) {
    const { db } = connection;
    this.sql = {
      load: db.prepare<[string], { view: string | null }>('SELECT view FROM sessions WHERE id = ?'),
      save: db.prepare('UPDATE sessions SET view = ? WHERE id = ?'),
    };
  }

  async loadView(sessionId: string): Promise<PageView | null> {
    const stored = this.sql.load.get(sessionId)?.view;
    if (stored === null || stored === undefined) return null;
    // written by saveView from a validated view; a value that no longer fits the schema is forgotten
    const parsed = pageViewSchema.safeParse(JSON.parse(stored));
    return parsed.success ? parsed.data : null;
  }

  saveView(sessionId: string, view: PageView): Promise<void> {
    const json = JSON.stringify(view);
    return this.connection.writes.run(() => {
      this.sql.save.run(json, sessionId);
    });
  }
}
