import type { PdfData } from '../../../shared/layers-protocol';
import { openPdf, type PDFDocumentProxy } from './pdf-loader';

/** Each book opened once per page load, shared by every view of it. */
const documents = new Map<string, Promise<PDFDocumentProxy>>();
/** Books this browser holds the bytes of (the host's own uploads), by PDF id, i.e. their SHA-256. */
const held = new Map<string, Blob>();

/** The PDF id the server gives `file`: its SHA-256 in hex. Null where the browser cannot hash (no secure context). */
export async function pdfIdOf(file: Blob): Promise<string | null> {
  if (!globalThis.crypto?.subtle) return null;
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * Keeps `file` as the bytes of book `pdfId`: the uploader reads the book from it instead of
 * downloading what it just sent. Held before the upload ends, because `pdf-added` may show the
 * book before the upload's answer arrives.
 */
export function holdFile(pdfId: string, file: Blob): void {
  held.set(pdfId, file);
}

export function releaseFile(pdfId: string): void {
  held.delete(pdfId);
}

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
    const file = held.get(pdf.id);
    const hear = (loaded: number) => listeners.get(pdf.id)?.forEach((listener) => listener(loaded));
    opened = file ? file.arrayBuffer().then((data) => openPdf({ data }, hear)) : openPdf({ url: pdf.url, token }, hear);
    opened.catch(() => documents.delete(pdf.id));
    documents.set(pdf.id, opened);
  }
  const stop = () => onProgress && watchers.delete(onProgress);
  opened.then(stop, stop);
  return opened;
}
