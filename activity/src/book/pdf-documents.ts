import type { PdfData } from '../../../shared/layers-protocol';
import { heldFile } from './held-files';
import { pdfEngine } from './pdf-engine';
import type { PDFDocumentProxy, PdfSource } from './pdf-loader';

/** Each book opened once per page load, shared by every view of it. */
const documents = new Map<string, Promise<PDFDocumentProxy>>();

/** Listeners of the bytes read while a book opens, by PDF id. */
type ProgressListener = (loadedBytes: number) => void;
const listeners = new Map<string, Set<ProgressListener>>();

/** The session's book `pdf`, opened once; `onProgress` hears the bytes read while it opens. */
export function documentOf(pdf: PdfData, token: string, onProgress?: ProgressListener): Promise<PDFDocumentProxy> {
  let watchers = listeners.get(pdf.id);
  if (!watchers) listeners.set(pdf.id, (watchers = new Set()));
  if (onProgress) watchers.add(onProgress);
  let opened = documents.get(pdf.id);
  if (!opened) {
    const file = heldFile(pdf.id);
    const hear = (loaded: number) => listeners.get(pdf.id)?.forEach((listener) => listener(loaded));
    const source: Promise<PdfSource> = file ? file.arrayBuffer().then((data) => ({ data })) : Promise.resolve({ url: pdf.url, token, size: pdf.size });
    opened = Promise.all([pdfEngine(), source]).then(([engine, bytes]) => engine.openPdf(bytes, hear));
    opened.catch(() => documents.delete(pdf.id));
    documents.set(pdf.id, opened);
  }
  const stop = () => onProgress && watchers.delete(onProgress);
  opened.then(stop, stop);
  return opened;
}
