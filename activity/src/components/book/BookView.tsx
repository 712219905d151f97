import { useRef, useState } from 'react';
import { useBook } from '../../store/book-store';
import { BookPlaceholder } from '../BookPlaceholder';
import { BookPage } from './BookPage';
import { BookToolbar } from './BookToolbar';
import { DrawTools } from './DrawTools';
import { PdfDropZone } from './PdfUpload';
import { TokenEditor } from './TokenEditor';
import { pageKey, readHiddenPages } from '../../model/table-roles';
import { HIDDEN_PAGES_KEY } from '../../../../shared/roles-protocol';
import { useIsStaff } from '../../store/roles-hooks';
import { useTable } from '../../store/table-store';

/**
 * The shared book: the page everyone follows, with its drawings, tokens and pointers; `bare`
 * (Discord's small layouts) leaves out the toolbars and the placeholder's actions.
 */
export function BookView({ bare = false }: { bare?: boolean }) {
  const view = useBook((s) => s.follow.view);
  const pdfs = useBook((s) => s.pdfs);
  const tool = useBook((s) => s.tool);
  const scroller = useRef<HTMLDivElement>(null);
  // on a phone the drawing tools fold away, so the page gets the height (styles/book.css)
  const [toolsOpen, setToolsOpen] = useState(false);
  // a view of a book removed meanwhile (while offline, say) falls back to the first one left
  const shown = view && pdfs.some((known) => known.id === view.pdfId) ? view : pdfs[0] ? { pdfId: pdfs[0].id, currentPage: 1, scale: 1 } : null;
  const pdf = shown && pdfs.find((known) => known.id === shown.pdfId);
  const hiddenPages = useTable((s) => s.game[HIDDEN_PAGES_KEY]);
  const staff = useIsStaff();
  const hidden = shown !== null && readHiddenPages(hiddenPages).includes(pageKey(shown.pdfId, shown.currentPage));
  return (
    <PdfDropZone>
      {shown && pdf ? (
        <div className={`book-view${toolsOpen ? ' tools-open' : ''}`}>
          {!bare && (
            <button type="button" className="tools-toggle" aria-expanded={toolsOpen} onClick={() => setToolsOpen(!toolsOpen)}>
              {toolsOpen ? 'Hide tools' : 'Tools'}
            </button>
          )}
          {!bare && <BookToolbar view={shown} />}
          {!bare && <DrawTools />}
          {!bare && tool === 'token' && <TokenEditor view={shown} />}
          <div className="book-scroll" ref={scroller}>
            {hidden && staff && <p className="page-hidden-note">Hidden from players</p>}
            {hidden && !staff ? (
              <p className="page-hidden" role="status">
                The game master has hidden page {shown.currentPage}.
              </p>
            ) : (
              <BookPage key={pdf.id} pdf={pdf} view={shown} scroller={() => scroller.current} />
            )}
          </div>
        </div>
      ) : bare ? (
        <p className="muted">No book is open yet.</p>
      ) : (
        <BookPlaceholder />
      )}
    </PdfDropZone>
  );
}
