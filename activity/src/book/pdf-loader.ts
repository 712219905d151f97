import { getDocument, GlobalWorkerOptions, PDFWorker, type PDFDocumentProxy, type PDFPageProxy } from 'pdfjs-dist';
// the worker is a file of our own build, served from our own origin (Discord's CSP allows no other)
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import { ServerPdfRanges, type ServerPdf } from './server-ranges';

GlobalWorkerOptions.workerSrc = workerUrl;

/**
 * Where a page's content security policy forbids workers (Discord's has been seen to), pdf.js
 * runs its worker's code on the main thread instead: it does so by itself when `new Worker`
 * fails, by importing the same file; `?pdfWorker=off` (or no Worker at all) asks for it at once.
 */
async function useMainThreadWhenWorkersAreOff(): Promise<void> {
  const off = typeof Worker === 'undefined' || new URLSearchParams(location.search).get('pdfWorker') === 'off';
  const global = globalThis as { pdfjsWorker?: unknown };
  if (off && !global.pdfjsWorker) global.pdfjsWorker = await import('pdfjs-dist/build/pdf.worker.min.mjs');
}

let worker: Promise<PDFWorker> | null = null;

/**
 * pdf.js's worker, started once and shared by every book. Joining a table starts it, so its
 * script (1.4 MB) is fetched and compiled while the table loads, not after a book starts opening.
 */
export function warmUpPdfWorker(): Promise<PDFWorker> {
  worker ??= useMainThreadWhenWorkersAreOff().then(() => new PDFWorker());
  return worker;
}

/** Where a book's bytes come from: the server, in ranges, or a file this browser holds (the uploader's). */
export type PdfSource = ServerPdf | { data: ArrayBuffer };

/**
 * pdf.js reads the server's PDF in ranges of this size (the server answers `Accept-Ranges`
 * without compression). Small enough that the first page of a large book costs a few of them,
 * large enough that a page read through costs few requests.
 */
export const RANGE_CHUNK_BYTES = 128 * 1024;

/**
 * Opens a book; `onProgress` hears the bytes read so far. From the server, only the ranges the
 * pages ask for are fetched (`disableAutoFetch`: no reading ahead), by `ServerPdfRanges`, which
 * starts on the file's two ends before pdf.js's worker is ready; so a 30 MB book shows its
 * first page after a few chunks.
 */
export async function openPdf(source: PdfSource, onProgress: (loadedBytes: number) => void = () => undefined): Promise<PDFDocumentProxy> {
  const bytes = 'data' in source ? { data: source.data } : { range: new ServerPdfRanges(source) };
  bytes.range?.prefetchEnds(RANGE_CHUNK_BYTES);
  const task = getDocument({
    worker: await warmUpPdfWorker(),
    ...bytes,
    rangeChunkSize: RANGE_CHUNK_BYTES,
    disableAutoFetch: true,
    disableStream: true,
    isEvalSupported: false,
  });
  task.onProgress = ({ loaded }: { loaded: number }) => onProgress(loaded);
  // pdf.js has no way to hear that a range failed: the book fails, with the reason, rather than wait for ever
  const failed = new Promise<never>((_resolve, reject) => {
    if (bytes.range) bytes.range.onFailure = (error) => {
      reject(error instanceof Error ? error : new Error(String(error)));
      void task.destroy();
    };
  });
  return Promise.race([task.promise, failed]);
}

export type { PDFDocumentProxy, PDFPageProxy };
