import { useEffect, useState } from 'react';
import { openPdf, type PDFDocumentProxy, type PDFPageProxy } from '../../book/pdf-loader';

const documents = new Map<string, Promise<PDFDocumentProxy>>();

/** The session's PDF at `url`, opened once per page load and shared by every view of it. */
function documentAt(url: string, token: string): Promise<PDFDocumentProxy> {
  let opened = documents.get(url);
  if (!opened) {
    opened = openPdf(url, token);
    opened.catch(() => documents.delete(url));
    documents.set(url, opened);
  }
  return opened;
}

export type PdfPageState = { page: PDFPageProxy; pageCount: number } | { error: string } | null;

/** Page `pageNum` of the PDF at `url`: null while it loads. */
export function usePdfPage(url: string | undefined, token: string, pageNum: number): PdfPageState {
  const [state, setState] = useState<PdfPageState>(null);
  useEffect(() => {
    if (!url) return;
    let live = true;
    documentAt(url, token)
      .then(async (pdf) => {
        const page = await pdf.getPage(Math.min(pageNum, pdf.numPages));
        if (live) setState({ page, pageCount: pdf.numPages });
      })
      .catch((error: Error) => live && setState({ error: error.message }));
    return () => {
      live = false;
    };
  }, [url, token, pageNum]);
  return state;
}
