import { useBook } from '../../store/book-store';
import type { PageView } from '../../../../shared/layers-protocol';
import { PdfPickButton } from './PdfUpload';
import { RemoveBook } from './RemoveBook';

/** Book choice, pages, zoom, and following the host. */
export function BookToolbar({ view }: { view: PageView }) {
  const pdfs = useBook((s) => s.pdfs);
  const isHost = useBook((s) => s.isHost);
  const pageCount = useBook((s) => s.pageCount);
  const following = useBook((s) => s.follow.following);
  const { openBook, goToPage, zoomTo, resume, bringEveryone } = useBook.getState();
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
      {isHost && <PdfPickButton label="+ PDF" />}
      {current && <RemoveBook pdf={current} />}
      <span className="book-pages">
        <button type="button" aria-label="Previous page" onClick={() => goToPage(view.currentPage - 1)} disabled={view.currentPage <= 1}>
          ‹
        </button>
        <span aria-label="Page number">
          {view.currentPage} / {pageCount}
        </span>
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
