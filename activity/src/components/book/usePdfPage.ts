import { useEffect, useState } from 'react';
import type { PdfData } from '../../../../shared/layers-protocol';
import { documentOf } from '../../book/pdf-documents';
import type { PDFDocumentProxy, PDFPageProxy } from '../../book/pdf-loader';

export type PdfDocumentState = { document: PDFDocumentProxy } | { error: string } | { loadedBytes: number };

/** The book `pdf`, and while it opens the bytes read so far (for the progress shown). */
export function usePdfDocument(pdf: PdfData, token: string): PdfDocumentState {
  const [state, setState] = useState<PdfDocumentState>({ loadedBytes: 0 });
  useEffect(() => {
    let live = true;
    setState({ loadedBytes: 0 });
    documentOf(pdf, token, (loadedBytes) => live && setState((now) => ('loadedBytes' in now ? { loadedBytes } : now)))
      .then((document) => live && setState({ document }))
      .catch((error: Error) => live && setState({ error: error.message }));
    return () => {
      live = false;
    };
  }, [pdf.id, pdf.url, token]); // not the object: a new snapshot of the same book must not reopen it
  return state;
}

export type PdfPageState = { page: PDFPageProxy; pageCount: number } | { error: string } | null;

/** Page `pageNum` of an open book: null while it loads. */
export function usePdfPage(document: PDFDocumentProxy | null, pageNum: number): PdfPageState {
  const [state, setState] = useState<PdfPageState>(null);
  useEffect(() => {
    if (!document) return;
    let live = true;
    document
      .getPage(Math.min(pageNum, document.numPages))
      .then((page) => live && setState({ page, pageCount: document.numPages }))
      .catch((error: Error) => live && setState({ error: error.message }));
    return () => {
      live = false;
    };
  }, [document, pageNum]);
  return state;
}
