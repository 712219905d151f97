import type { SyncStatus } from '../../../shared/sync-client';

export type ConnectionTone = 'good' | 'busy' | 'bad';

/** What the connection badge says: the sync status in a player's words, and edits still waiting. */
export function connectionLabel(status: SyncStatus, pendingEdits: number): { tone: ConnectionTone; text: string } {
  const waiting = pendingEdits === 1 ? '1 edit waiting' : `${pendingEdits} edits waiting`;
  switch (status) {
    case 'connected':
      return { tone: 'good', text: pendingEdits > 0 ? `Saving… (${waiting})` : 'In sync' };
    case 'catching-up':
      return { tone: 'busy', text: 'Catching up…' };
    case 'resyncing':
      return { tone: 'busy', text: 'Reloading the table…' };
    case 'connecting':
      return { tone: 'busy', text: 'Connecting…' };
    case 'offline':
      return { tone: 'bad', text: pendingEdits > 0 ? `Offline, reconnecting · ${waiting}` : 'Offline, reconnecting…' };
  }
}
