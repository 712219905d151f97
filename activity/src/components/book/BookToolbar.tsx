import { useBook } from '../../store/book-store';
import type { PageView } from '../../../../shared/layers-protocol';
import type { Size } from '../../book/view-fit';
import { PageField } from './PageField';
import { PdfPickButton } from './PdfUpload';
import { RemoveBook } from './RemoveBook';
import { useIsStaff } from '../../store/roles-hooks';

export interface BookToolbarProps {
  view: PageView;
  /** The book's scrolling area now, for fitting the page to it. */
  area: () => Size | null;
  navOpen: boolean;
  toggleNav(): void;
}

/** Book choice, the navigation panel's switch, pages, zoom and fitting, and following the host. */
export function BookToolbar({ view, area, navOpen, toggleNav }: BookToolbarProps) {
  const pdfs = useBook((s) => s.pdfs);
  const isHost = useBook((s) => s.isHost);
  const isStaff = useIsStaff();
  const pageCount = useBook((s) => s.pageCount);
  const following = useBook((s) => s.follow.following);
  const { openBook, goToPage, zoomTo, fit, resume, bringEveryone } = useBook.getState();
  const fitTo = (mode: 'width' | 'page') => {
    const size = area();
    if (size) fit(mode, size);
  };
  const current = pdfs.find((pdf) => pdf.id === view.pdfId);
  return (
    <div className="book-toolbar" role="toolbar" aria-label="Book">
      {isHost ? (
        <select aria-label="Book to show" value={view.pdfId} onChange={(event) => openBook(event.target.value)}>
          {pdfs.map((pdf) => (
            <option key={pdf.id} value={pdf.id}>
              {pdf.name}
            </option>
          ))}
        </select>
      ) : (
        <span className="book-name">{current?.name}</span>
      )}
      {isStaff && <PdfPickButton label="+ PDF" />}
      {current && <RemoveBook pdf={current} />}
      <button type="button" aria-expanded={navOpen} aria-controls="book-nav" onClick={toggleNav}>
        Contents
      </button>
      <span className="book-pages">
        <button type="button" aria-label="Previous page" onClick={() => goToPage(view.currentPage - 1)} disabled={view.currentPage <= 1}>
          ‹
        </button>
        <PageField page={view.currentPage} />
        <button type="button" aria-label="Next page" onClick={() => goToPage(view.currentPage + 1)} disabled={view.currentPage >= pageCount}>
          ›
        </button>
      </span>
      <span className="book-zoom">
        <button type="button" aria-label="Zoom out" onClick={() => zoomTo(view.scale / 1.25)}>
          −
        </button>
        <span aria-label="Zoom">{Math.round(view.scale * 100)}%</span>
        <button type="button" aria-label="Zoom in" onClick={() => zoomTo(view.scale * 1.25)}>
          +
        </button>
        <button type="button" onClick={() => fitTo('width')}>
          Fit width
        </button>
        <button type="button" onClick={() => fitTo('page')}>
          Fit page
        </button>
      </span>
      {isHost ? (
        <button type="button" onClick={bringEveryone}>
          Bring everyone here
        </button>
      ) : following ? (
        <span className="follow-state" aria-label="Follow state">
          Following the host
        </span>
      ) : (
        <button type="button" className="follow-state" onClick={resume}>
          Follow the host
        </button>
      )}
    </div>
  );
}
