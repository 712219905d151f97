import { create } from 'zustand';
import { downloadTable, importTableFile, type ImportProgress } from '../platform/table-file';
import { useTable } from './table-store';

const messageOf = (error: unknown) => (error instanceof Error ? error.message : 'something went wrong');

/** Saves the table being played as one file (its state, layers and books): the browser downloads it. */
export async function exportTable(): Promise<void> {
  const { identity, sessionId, say } = useTable.getState();
  if (!identity || !sessionId) return;
  try {
    await downloadTable(sessionId, identity.token);
    say('The table is being saved as a file: see your downloads.');
  } catch (error) {
    say(`The export failed: ${messageOf(error)}`);
  }
}

/** An import under way, as far as it got: each step stays shown once taken. */
export interface ImportState {
  /** Of the file, sent so far (0 to 1). */
  sent: number;
  /** Books the server has stored and checked; null before the first. */
  books: { done: number; of: number } | null;
  makingTable: boolean;
}

export function withProgress(state: ImportState, progress: ImportProgress): ImportState {
  switch (progress.step) {
    case 'upload':
      return { ...state, sent: Math.max(state.sent, progress.fraction) };
    case 'book':
      return { ...state, books: { done: progress.done, of: progress.of } };
    case 'table':
      // the server read the whole file: it was all sent
      return { ...state, sent: 1, makingTable: true };
  }
}

/** The import under way, for the lobby to show; null when none is. */
export const useImportProgress = create<{ progress: ImportState | null }>()(() => ({ progress: null }));

/** Makes a new table of this player's from a table file, and opens it. */
export async function importTable(file: File): Promise<void> {
  const { identity, openTable, say } = useTable.getState();
  if (!identity) return;
  useTable.setState({ busy: true });
  useImportProgress.setState({ progress: { sent: 0, books: null, makingTable: false } });
  try {
    const imported = await importTableFile(file, identity.token, (step) => useImportProgress.setState((s) => ({ progress: s.progress && withProgress(s.progress, step) })));
    await openTable(imported.sessionId);
  } catch (error) {
    say(`The import failed: ${messageOf(error)}`);
  } finally {
    useImportProgress.setState({ progress: null });
    useTable.setState({ busy: false });
  }
}
