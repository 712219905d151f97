import { labelOf } from '../../book/page-labels';
import { useBook } from '../../store/book-store';
import { useBookIndex } from '../../store/book-index-store';
import { usePageLabels } from '../../store/book-pages-hooks';

/** The PDF's outline: a click goes to the entry's page. A player is not shown entries of hidden pages. */
export function ContentsList({ page }: { page: number }) {
  const all = useBookIndex((s) => s.contents);
  const hidden = useBook((s) => s.hiddenFromMe);
  const labels = usePageLabels();
  const contents = all && all.filter((entry) => entry.page === null || !hidden.has(entry.page));
  if (contents === null) return <p className="muted">Reading the contents…</p>;
  if (contents.length === 0) return <p className="muted">This book has no contents of its own. Search it, or bookmark pages.</p>;
  return (
    <ul className="nav-list" aria-label="Contents">
      {contents.map((entry, index) => (
        <li key={index} style={{ paddingLeft: entry.depth * 12 }}>
          {entry.page === null ? (
            <span className="muted">{entry.title}</span>
          ) : (
            <button type="button" aria-current={entry.page === page ? 'page' : undefined} onClick={() => useBook.getState().goToPage(entry.page!)}>
              <span>{entry.title}</span>
              <span className="nav-page">{labelOf(entry.page, labels)}</span>
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}
