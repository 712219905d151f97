import { useState } from 'react';
import { BookmarksList } from './BookmarksList';
import { ContentsList } from './ContentsList';
import { SearchPanel } from './SearchPanel';

const SECTIONS = [
  ['contents', 'Contents'],
  ['search', 'Search'],
  ['bookmarks', 'Bookmarks'],
] as const;
type Section = (typeof SECTIONS)[number][0];

/** The navigation panel beside the page: the book's contents, a search of its text, the group's bookmarks. */
export function BookNav({ page, pdfId, close }: { page: number; pdfId: string; close(): void }) {
  const [section, setSection] = useState<Section>('contents');
  return (
    <aside className="book-nav" id="book-nav" aria-label="Navigation">
      <div className="book-nav-tabs" role="tablist" aria-label="Find a page">
        {SECTIONS.map(([id, label]) => (
          <button key={id} type="button" role="tab" aria-selected={section === id} onClick={() => setSection(id)}>
            {label}
          </button>
        ))}
        <button type="button" className="book-nav-close" aria-label="Close navigation" onClick={close}>
          ×
        </button>
      </div>
      <div className="book-nav-body" role="tabpanel">
        {section === 'contents' && <ContentsList page={page} />}
        {section === 'search' && <SearchPanel />}
        {section === 'bookmarks' && <BookmarksList page={page} pdfId={pdfId} />}
      </div>
    </aside>
  );
}
