import { useImportProgress } from '../store/table-files';

/** An import's progress in the lobby: the file going up, then each step the server takes. */
export function ImportProgress() {
  const progress = useImportProgress((s) => s.progress);
  if (!progress) return null;
  const { sent, books, makingTable } = progress;
  return (
    <div className="import-progress" role="status" aria-label="Import progress">
      <progress max={1} value={sent} aria-label="File sent" />
      <ul>
        <li>{sent < 1 ? `Sending the file… ${Math.round(sent * 100)}%` : 'File sent.'}</li>
        {books && <li>{`Books stored and checked: ${books.done} of ${books.of}.`}</li>}
        {makingTable && <li>Making the table…</li>}
      </ul>
    </div>
  );
}
