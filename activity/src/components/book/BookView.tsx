import { useCallback, useEffect, useRef, useState } from 'react';
import type { PageView, PdfData } from '../../../../shared/layers-protocol';
import { HIDDEN_PAGES_KEY } from '../../../../shared/roles-protocol';
import { pageKey, readHiddenPages } from '../../model/table-roles';
import { shownView } from '../../book/shown-view';
import { useBook } from '../../store/book-store';
import { useBookIndex } from '../../store/book-index-store';
import { useHiddenFromMe } from '../../store/book-pages-hooks';
import { useIsStaff, useMyRole } from '../../store/roles-hooks';
import { useGm } from '../../store/gm-store';
import { useTable } from '../../store/table-store';
import { BookPlaceholder } from '../BookPlaceholder';
import { BookNav } from './BookNav';
import { BookPage } from './BookPage';
import { BookToolbar } from './BookToolbar';
import { DamagedBook } from './DamagedBook';
import { DrawTools } from './DrawTools';
import { OpeningProgress } from './OpeningProgress';
import { PdfDropZone } from './PdfUpload';
import { TokenEditor } from './TokenEditor';
import { useBookKeys } from './useBookKeys';
import { usePdfDocument } from './usePdfPage';
import { useGameValue } from '../../store/hooks';

/**
 * The shared book: the page everyone follows, with its drawings, tokens and pointers; `bare`
 * (Discord's small layouts) leaves out the toolbars, the navigation and the placeholder's actions.
 */
export function BookView({ bare = false }: { bare?: boolean }) {
  const view = useBook((s) => s.follow.view);
  const pdfs = useBook((s) => s.pdfs);
  const shown = shownView(view, pdfs);
  return (
    <PdfDropZone>
      {shown ? (
        <OpenBook key={shown.pdf.id} pdf={shown.pdf} view={shown.view} bare={bare} />
      ) : bare ? (
        <p className="muted">No book is open yet.</p>
      ) : (
        <BookPlaceholder />
      )}
    </PdfDropZone>
  );
}

/** A book on screen: opened (with its progress shown meanwhile), its index read, its page drawn. */
function OpenBook({ pdf, view, bare }: { pdf: PdfData; view: PageView; bare: boolean }) {
  const token = useTable((s) => s.identity?.token ?? '');
  const tool = useBook((s) => s.tool);
  const opened = usePdfDocument(pdf, token);
  const scroller = useRef<HTMLDivElement>(null);
  const [navOpen, setNavOpen] = useState(false);
  // on a phone the drawing tools fold away, so the page gets the height (styles/book.css)
  const [toolsOpen, setToolsOpen] = useState(false);
  const document = 'document' in opened ? opened.document : null;
  useBookKeys();
  useEffect(() => {
    if (document) useBookIndex.getState().open(pdf.id, document);
  }, [document, pdf.id]);
  // the page field, keys, contents, search and bookmarks all go by it
  const hiddenFromMe = useHiddenFromMe(pdf.id);
  useEffect(() => useBook.getState().setHiddenFromMe(hiddenFromMe), [hiddenFromMe]);
  // the roles as they are now, not as they were at the join: after a hand-over the new host leads
  // (until the first roles arrive, the join's answer said)
  const isHost = useMyRole() === 'host';
  const rolesKnown = useGm((s) => s.roles !== null);
  useEffect(() => {
    if (rolesKnown) useBook.getState().setHost(isHost);
  }, [isHost, rolesKnown]);
  const area = useCallback(() => (scroller.current ? { width: scroller.current.clientWidth, height: scroller.current.clientHeight } : null), []);
  const getScroller = useCallback(() => scroller.current, []);

  return (
    <div className={`book-view${toolsOpen ? ' tools-open' : ''}`}>
      {!bare && (
        <button type="button" className="tools-toggle" aria-expanded={toolsOpen} onClick={() => setToolsOpen(!toolsOpen)}>
          {toolsOpen ? 'Hide tools' : 'Tools'}
        </button>
      )}
      {!bare && <BookToolbar view={view} area={area} navOpen={navOpen} toggleNav={() => setNavOpen((open) => !open)} />}
      {!bare && <DrawTools />}
      {!bare && tool === 'token' && <TokenEditor view={view} />}
      <div className="book-body">
        {!bare && navOpen && <BookNav page={view.currentPage} pdfId={pdf.id} close={() => setNavOpen(false)} />}
        <div className="book-scroll" ref={scroller}>
          {'error' in opened ? (
            <DamagedBook pdf={pdf} reason={opened.error} />
          ) : 'loadedBytes' in opened ? (
            <OpeningProgress loadedBytes={opened.loadedBytes} totalBytes={pdf.size} />
          ) : (
            <VisiblePage pdf={pdf} document={opened.document} view={view} scroller={getScroller} />
          )}
        </div>
      </div>
    </div>
  );
}

/** The page, or for players a placeholder where a game master has hidden it. */
function VisiblePage(props: Parameters<typeof BookPage>[0]) {
  const hiddenPages = useGameValue(HIDDEN_PAGES_KEY);
  const staff = useIsStaff();
  const { view } = props;
  const hidden = readHiddenPages(hiddenPages).includes(pageKey(view.pdfId, view.currentPage));
  if (hidden && !staff) {
    return (
      <p className="page-hidden" role="status">
        The game master has hidden page {view.currentPage}.
      </p>
    );
  }
  return (
    <>
      {hidden && <p className="page-hidden-note">Hidden from players</p>}
      <BookPage {...props} />
    </>
  );
}
