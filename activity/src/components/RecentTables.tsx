import { useState } from 'react';
import { forgetTable, recentTables } from '../platform/recent-tables';
import { useTable } from '../store/table-store';

const TIME = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** The tables this browser opened lately (kept in the browser only): one click opens one again. */
export function RecentTables() {
  const [tables, setTables] = useState(() => recentTables(localStorage));
  const openTable = useTable((s) => s.openTable);
  const busy = useTable((s) => s.busy);
  if (tables.length === 0) return null;
  return (
    <section className="recent-tables" aria-label="Recent tables">
      <h2 className="divider">your recent tables</h2>
      <ul>
        {tables.map((table) => {
          const short = table.sessionId.slice(0, 8);
          return (
            <li key={table.sessionId} className="row">
              <button className="recent-open" disabled={busy} aria-label={`Open ${table.title ?? 'the table'} (${short})`} onClick={() => void openTable(table.sessionId)}>
                <span className="recent-title">{table.title ?? 'A table'}</span>
                <span className="muted">
                  <span className="recent-id">{short}</span> · {TIME.format(table.openedAt)}
                </span>
              </button>
              <button className="icon faint" aria-label={`Forget table ${short}`} onClick={() => setTables(forgetTable(localStorage, table.sessionId))}>
                ✕
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
