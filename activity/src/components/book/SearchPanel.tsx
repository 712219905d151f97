import { useState } from 'react';
import { labelOf } from '../../book/page-labels';
import { useBook } from '../../store/book-store';
import { useBookIndex } from '../../store/book-index-store';
import { usePageLabels } from '../../store/book-pages-hooks';

/** A search of the book's text: results by page as they are found, a click goes there. A player's search skips hidden pages. */
export function SearchPanel() {
  const search = useBookIndex((s) => s.results);
  const hidden = useBook((s) => s.hiddenFromMe);
  const labels = usePageLabels();
  // a page hidden after the search ran leaves its results too
  const hits = search?.hits.filter((hit) => !hidden.has(hit.page)) ?? [];
  const pageCount = useBook((s) => s.pageCount);
  const [query, setQuery] = useState(search?.query ?? '');
  return (
    <div className="book-search">
      <form
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          useBookIndex.getState().search(query, hidden);
        }}
      >
        <input type="search" aria-label="Search the book" placeholder="A word, a section: 212" value={query} onChange={(event) => setQuery(event.target.value)} />
        <button type="submit">Search</button>
      </form>
      {search && (
        <p className="muted" role="status" aria-label="Search progress">
          {search.done ? `${hits.length} page${hits.length === 1 ? '' : 's'} found` : `Searching… page ${search.searched} of ${pageCount}, ${hits.length} found`}
        </p>
      )}
      <ul className="nav-list" aria-label="Search results">
        {hits.map((hit) => (
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
