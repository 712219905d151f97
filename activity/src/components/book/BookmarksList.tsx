import { useState } from 'react';
import { labelOf } from '../../book/page-labels';
import { MAX_BOOKMARK_NAME, newBookmark, readBookmarks } from '../../model/bookmarks';
import { appendItem, removeItem } from '../../model/collection';
import { editList, useList } from '../../store/hooks';
import { useBook } from '../../store/book-store';
import { usePageLabels } from '../../store/book-pages-hooks';
import { useTable } from '../../store/table-store';

/** The group's bookmarks of this book (shared: everyone sees and uses them, but a player not those of hidden pages); add one on this page, remove, go. */
export function BookmarksList({ page, pdfId }: { page: number; pdfId: string }) {
  const hidden = useBook((s) => s.hiddenFromMe);
  const marks = useList('bookmarks', readBookmarks).filter((mark) => mark.pdfId === pdfId && !hidden.has(mark.page));
  const labels = usePageLabels();
  const me = useTable((s) => s.identity?.user.name ?? '');
  const [name, setName] = useState('');
  return (
    <div className="book-bookmarks">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          editList('bookmarks', (list) => appendItem(list, newBookmark(pdfId, page, name, labelOf(page, labels), me)));
          setName('');
        }}
      >
        <input aria-label="Bookmark name" placeholder={`Name for page ${labelOf(page, labels)}`} maxLength={MAX_BOOKMARK_NAME} value={name} onChange={(event) => setName(event.target.value)} />
        <button type="submit">Bookmark this page</button>
      </form>
      {marks.length === 0 && <p className="muted">No bookmarks yet: mark a page for everyone.</p>}
      <ul className="nav-list" aria-label="Bookmarks">
        {marks.map((mark) => (
          <li key={mark.id} className="bookmark">
            <button type="button" aria-current={mark.page === page ? 'page' : undefined} onClick={() => useBook.getState().goToPage(mark.page)}>
              <span>{mark.name}</span>
              <span className="nav-page">p. {labelOf(mark.page, labels)}</span>
            </button>
            <button type="button" className="bookmark-remove" aria-label={`Remove bookmark ${mark.name}`} onClick={() => editList('bookmarks', (list) => removeItem(list, mark.id))}>
              ×
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
