import { useEffect, useRef, useState } from 'react';
import type { PageView, PdfData } from '../../../../shared/layers-protocol';
import { renderPage } from '../../book/pdf-canvas';
import type { PDFDocumentProxy } from '../../book/pdf-loader';
import { useBook } from '../../store/book-store';
import { BookOverlay } from './BookOverlay';
import { DamagedBook } from './DamagedBook';
import { GmMarks } from './GmMarks';
import { usePdfPage } from './usePdfPage';
import { useScrollFollow } from './useScrollFollow';

/** One page of the book: the PDF canvas, drawn once per page and zoom, and the overlay above it. */
export function BookPage({ pdf, document, view, scroller }: { pdf: PdfData; document: PDFDocumentProxy; view: PageView; scroller: () => HTMLElement | null }) {
  const pageShown = useBook((s) => s.pageShown);
  const loaded = usePdfPage(document, view.currentPage);
  const canvas = useRef<HTMLCanvasElement>(null);
  const stage = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  const [rendered, setRendered] = useState('');
  useScrollFollow(scroller, stage, view, size);

  useEffect(() => {
    if (!loaded || 'error' in loaded || !canvas.current) return;
    const { width, height } = loaded.page.getViewport({ scale: 1 });
    pageShown(loaded.pageCount, { width, height });
    const element = canvas.current;
    // counted for the tests: strokes and pointers must never cause a render of the page
    element.dataset.renders = String(Number(element.dataset.renders ?? 0) + 1);
    const drawn = renderPage(loaded.page, element, view.scale, typeof devicePixelRatio === 'number' ? devicePixelRatio : 1);
    setSize({ width: drawn.width, height: drawn.height });
    drawn.done.then(() => setRendered(`${pdf.id}/${loaded.page.pageNumber}@${view.scale}`)).catch(() => undefined);
    return drawn.cancel;
  }, [loaded, view.scale, pdf.id, pageShown]);

  if (loaded && 'error' in loaded) return <DamagedBook pdf={pdf} reason={loaded.error} />;
  return (
    <div className="page-stage" ref={stage} style={size ?? undefined} data-rendered={rendered}>
      <canvas ref={canvas} className="pdf-canvas" aria-label={`Page ${view.currentPage}`} />
      {size && <BookOverlay view={view} width={size.width} height={size.height} scroller={scroller} />}
      {size && <GmMarks pdfId={pdf.id} pageNum={view.currentPage} />}
      {!loaded && <p className="muted book-loading">Opening the page…</p>}
    </div>
  );
}
