import { downloadTable, importTableFile } from '../platform/table-file';
import { useTable } from './table-store';

const messageOf = (error: unknown) => (error instanceof Error ? error.message : 'something went wrong');

/** Saves the table being played as one file (its state, layers and books). */
export async function exportTable(): Promise<void> {
  const { identity, sessionId, say } = useTable.getState();
  if (!identity || !sessionId) return;
  try {
    await downloadTable(sessionId, identity.token);
    say('The table was saved as a file.');
  } catch (error) {
    say(`The export failed: ${messageOf(error)}`);
  }
}

/** Makes a new table of this player's from a table file, and opens it. */
export async function importTable(file: File): Promise<void> {
  const { identity, openTable, say } = useTable.getState();
  if (!identity) return;
  useTable.setState({ busy: true });
  try {
    const imported = await importTableFile(file, identity.token);
    await openTable(imported.sessionId);
  } catch (error) {
    say(`The import failed: ${messageOf(error)}`);
  } finally {
    useTable.setState({ busy: false });
  }
}
