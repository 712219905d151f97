import { useCallback, useEffect, useRef, useState } from 'react';
import type { PdfData } from '../../../../shared/layers-protocol';
import { warmUpPdfWorker } from '../../book/pdf-loader';
import { useBook } from '../../store/book-store';
import { useBookIndex } from '../../store/book-index-store';
import { useTable } from '../../store/table-store';
import { BookPlaceholder } from '../BookPlaceholder';
import { BookNav } from './BookNav';
import { BookPage } from './BookPage';
import { BookToolbar } from './BookToolbar';
import { DrawTools } from './DrawTools';
import { OpeningProgress } from './OpeningProgress';
import { PdfDropZone } from './PdfUpload';
import { useBookKeys } from './useBookKeys';
import { usePdfDocument } from './usePdfPage';

/**
 * The shared book: the page everyone follows, with its drawings, tokens and pointers; `bare`
 * (Discord's small layouts) leaves out the toolbars, the navigation and the placeholder's actions.
 */
export function BookView({ bare = false }: { bare?: boolean }) {
  // shown from the moment the table is: pdf.js's worker loads with the table, before any book opens
  useEffect(() => void warmUpPdfWorker(), []);
  const view = useBook((s) => s.follow.view);
  const pdfs = useBook((s) => s.pdfs);
  const shown = view ?? (pdfs[0] ? { pdfId: pdfs[0].id, currentPage: 1, scale: 1 } : null);
  const pdf = shown && pdfs.find((known) => known.id === shown.pdfId);
  return (
    <PdfDropZone>
      {shown && pdf ? (
        <OpenBook key={pdf.id} pdf={pdf} bare={bare} />
      ) : bare ? (
        <p className="muted">No book is open yet.</p>
      ) : (
        <BookPlaceholder />
      )}
    </PdfDropZone>
  );
}

/** A book on screen: opened (with its progress shown meanwhile), its index read, its page drawn. */
function OpenBook({ pdf, bare }: { pdf: PdfData; bare: boolean }) {
  const token = useTable((s) => s.identity?.token ?? '');
  const view = useBook((s) => s.follow.view) ?? { pdfId: pdf.id, currentPage: 1, scale: 1 };
  const opened = usePdfDocument(pdf, token);
  const scroller = useRef<HTMLDivElement>(null);
  const [navOpen, setNavOpen] = useState(false);
  const document = 'document' in opened ? opened.document : null;
  useBookKeys();
  useEffect(() => {
    if (document) useBookIndex.getState().open(pdf.id, document);
  }, [document, pdf.id]);
  const area = useCallback(() => (scroller.current ? { width: scroller.current.clientWidth, height: scroller.current.clientHeight } : null), []);
  const getScroller = useCallback(() => scroller.current, []);

  return (
    <div className="book-view">
      {!bare && <BookToolbar view={view} area={area} navOpen={navOpen} toggleNav={() => setNavOpen((open) => !open)} />}
      {!bare && <DrawTools />}
      <div className="book-body">
        {!bare && navOpen && <BookNav page={view.currentPage} pdfId={pdf.id} close={() => setNavOpen(false)} />}
        <div className="book-scroll" ref={scroller}>
          {'error' in opened ? (
            <p className="book-error">This PDF could not be opened: {opened.error}</p>
          ) : 'loadedBytes' in opened ? (
            <OpeningProgress loadedBytes={opened.loadedBytes} totalBytes={pdf.size} />
          ) : (
            <BookPage pdf={pdf} document={opened.document} view={view} scroller={getScroller} />
          )}
        </div>
      </div>
    </div>
  );
}
