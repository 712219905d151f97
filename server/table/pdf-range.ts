import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import parseRange from 'range-parser';
import type { Logger } from '../logger';
import type { PdfBytes } from '../storage/pdf-bytes';

/** A stored PDF to send: which bytes, how many, and the ETag it is answered with. */
export interface StoredPdfBody {
  sha256: string;
  size: number;
  etag: string;
}

/**
 * Sends a PDF's bytes, or the one range asked for (206, RFC 9110), from whichever store holds
 * them: pdf.js reads a large book in ranges. Several ranges, or an If-Range that is not this
 * ETag, get the whole file (allowed, and no viewer asks for more); a range past the end gets 416.
 */
export async function sendPdfBytes(req: Request, res: Response, bytes: PdfBytes, body: StoredPdfBody, logger: Logger): Promise<void> {
  res.set('Accept-Ranges', 'bytes');
  const range = wantedRange(req, body);
  if (range === 'unsatisfiable') {
    res.status(416).set('Content-Range', `bytes */${body.size}`).end();
    return;
  }
  const { start, end } = range ?? { start: 0, end: body.size - 1 };
  if (range) res.status(206).set('Content-Range', `bytes ${start}-${end}/${body.size}`);
  res.set('Content-Length', String(end - start + 1));
  if (req.method === 'HEAD' || end < start) {
    res.end();
    return;
  }
  try {
    await pipeline(bytes.read(body.sha256, start, end), res);
  } catch (error) {
    // a reader that went away is not a failure; the store failing midway is (the response is cut short)
    if (!res.writableFinished && !req.destroyed) logger.error({ err: error, sha256: body.sha256 }, 'could not send the bytes of a PDF');
  }
}

function wantedRange(req: Request, body: StoredPdfBody): { start: number; end: number } | 'unsatisfiable' | undefined {
  const header = req.get('range');
  if (header === undefined) return undefined;
  const ifRange = req.get('if-range');
  if (ifRange !== undefined && ifRange.trim() !== body.etag) return undefined;
  const ranges = parseRange(body.size, header, { combine: true });
  if (ranges === -1) return 'unsatisfiable';
  if (ranges === -2 || ranges.type !== 'bytes' || ranges.length !== 1) return undefined;
  return ranges[0];
}
