import { useState, type FormEvent } from 'react';
import { sessionFromLocation } from '../platform/platform';
import { importTable } from '../store/table-files';
import { ImportProgress } from './ImportProgress';
import { useTable } from '../store/table-store';
import { RecentTables } from './RecentTables';
import { LinkDeviceCode, RenameForm } from './IdentityTools';
import { Splash } from './Splash';

/** Choose a table: create one as its host, import one from a file, reopen a recent one, or paste a join link. Also shown while joining. */
export function Lobby() {
  const [link, setLink] = useState('');
  const { identity, phase, busy, createTable, openTable, linkProblem } = useTable();
  const status = useTable((s) => s.status);

  if (phase === 'joining') {
    const waiting = status === 'offline' || status === 'connecting';
    return (
      <Splash lead="Joining the table…">
        <p className="muted" role="status">
          {waiting ? 'Waiting for the server to answer.' : 'Fetching the table.'}
        </p>
      </Splash>
    );
  }

  const join = (event: FormEvent) => {
    event.preventDefault();
    const sessionId = linkTarget(link);
    if (sessionId) void openTable(sessionId);
    else useTable.getState().say('That does not look like a table link.');
  };

  return (
    <Splash lead={`Welcome, ${identity?.user.name ?? 'traveller'}.`}>
      {linkProblem && (
        <p className="link-problem" role="alert">
          {linkProblem}
        </p>
      )}
      <div className="stack">
        <button className="primary" onClick={() => void createTable()} disabled={busy}>
          Create a table
        </button>
        <label className={`file-button${busy ? ' disabled' : ''}`}>
          Import a table file
          <input
            type="file"
            accept=".gbtable,application/vnd.gamebook-studio.table"
            aria-label="Import a table file"
            disabled={busy}
            onChange={(event) => {
              const file = event.target.files?.[0];
              event.target.value = '';
              if (file) void importTable(file);
            }}
          />
        </label>
        <ImportProgress />
        <RecentTables />
        <div className="divider">or join one</div>
        <form className="row" onSubmit={join}>
          <input aria-label="Table link" value={link} onChange={(e) => setLink(e.target.value)} placeholder="Paste a table link" />
          <button type="submit" disabled={!link.trim()}>
            Join
          </button>
        </form>
        <RenameForm />
        <LinkDeviceCode />
      </div>
    </Splash>
  );
}

/** The table id of a pasted link (full URL or bare path), or null. */
function linkTarget(text: string): string | null {
  try {
    const url = new URL(text.trim(), location.origin);
    return sessionFromLocation(url.pathname, url.search);
  } catch {
    return null;
  }
}
