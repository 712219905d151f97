/**
 * While a book opens: the bytes read so far. Only the parts of the file the first page needs
 * are read, so the bar runs to a fraction of the file and its end is not known: it shows the
 * activity, and the text the figure.
 */
export function OpeningProgress({ loadedBytes, totalBytes }: { loadedBytes: number; totalBytes: number }) {
  const mib = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1);
  return (
    <div className="book-opening" role="status" aria-label="Opening the book">
      <p className="muted">Opening the book…</p>
      <progress aria-label="Opening progress" />
      <p className="muted">
        {mib(loadedBytes)} of {mib(totalBytes)} MB read
      </p>
    </div>
  );
}
