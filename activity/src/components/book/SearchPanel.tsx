import { useState } from 'react';
import { labelOf } from '../../book/page-labels';
import { useBook } from '../../store/book-store';
import { useBookIndex } from '../../store/book-index-store';

/** A search of the book's text: results by page as they are found, a click goes there. */
export function SearchPanel() {
  const search = useBookIndex((s) => s.results);
  const labels = useBookIndex((s) => s.labels);
  const pageCount = useBook((s) => s.pageCount);
  const [query, setQuery] = useState(search?.query ?? '');
  return (
    <div className="book-search">
      <form
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          useBookIndex.getState().search(query);
        }}
      >
        <input type="search" aria-label="Search the book" placeholder="A word, a section: 212" value={query} onChange={(event) => setQuery(event.target.value)} />
        <button type="submit">Search</button>
      </form>
      {search && (
        <p className="muted" role="status" aria-label="Search progress">
          {search.done ? `${search.hits.length} page${search.hits.length === 1 ? '' : 's'} found` : `Searching… page ${search.searched} of ${pageCount}, ${search.hits.length} found`}
        </p>
      )}
      <ul className="nav-list" aria-label="Search results">
        {search?.hits.map((hit) => (
          <li key={hit.page}>
            <button type="button" onClick={() => useBook.getState().goToPage(hit.page)}>
              <span className="nav-page">p. {labelOf(hit.page, labels)}</span>
              <span className={hit.heading ? 'hit heading' : 'hit'}>{hit.snippet}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
