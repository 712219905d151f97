import type { Request } from 'express';
import busboy, { type Busboy } from 'busboy';
import { ProtocolError } from '../../shared/errors';
import type { PdfBytes, SavedPdf } from '../storage/pdf-bytes';

export interface ReceivedPdf extends SavedPdf {
  name: string;
}

/**
 * Streams the multipart field `file` of `req` into `files`, at most `maxBytes` of it, never
 * buffering it whole. Resolves once the file is in place; on any failure (too large, not a PDF,
 * malformed, aborted) rejects only after the partial upload is gone. The caller releases the
 * resolved file (`release`) once its record is stored; a failure after the save releases it here.
 */
export function receivePdf(req: Request, files: PdfBytes, maxBytes: number): Promise<ReceivedPdf> {
  // closed while the caller awaited something (a table loaded): no 'close' would come any more
  if (req.destroyed) return Promise.reject(aborted());
  const parser = multipartParser(req, maxBytes);
  return new Promise((resolve, reject) => {
    let saving: Promise<ReceivedPdf> | undefined;
    let failed = false;
    let done = false;
    const fail = (error: unknown) => {
      if (failed || done) return;
      failed = true;
      req.unpipe(parser);
      parser.destroy();
      // what the client still sends is read and dropped: left unread, it can get the connection
      // reset under the client while it writes, which then sees a network error, not our answer
      req.resume();
      // a file saved whole but not wanted: unpinned, the collector removes it unless a session uses it
      const cleanedUp = saving?.then((saved) => saved.release(), noop) ?? Promise.resolve();
      void cleanedUp.then(() => reject(error));
    };
    parser.on('file', (field, stream, info) => {
      // heard only so that it does not end the process: a part's error is reported by busboy as the
      // form's own (a body cut short), or by the store that read it (its own failure, too-large),
      // or comes as the parser is destroyed by a failure being answered already
      stream.on('error', noop);
      if (field !== 'file' || saving) {
        stream.resume();
        return;
      }
      stream.once('limit', () => stream.destroy(new ProtocolError('too-large', `a PDF may have at most ${maxBytes} bytes`)));
      saving = files.save(stream).then((saved) => ({ ...saved, name: cleanName(info.filename) }));
      saving.catch(fail);
    });
    parser.once('close', () => {
      if (saving) {
        saving.then((received) => {
          done = true;
          resolve(received);
        }, fail);
      } else fail(new ProtocolError('invalid-payload', 'send the PDF in the multipart field "file"'));
    });
    // `on`, not `once`: a malformed part header is reported, and then the parser's destruction
    // reports "Unexpected end of form" too; the second, unheard, would end the process
    parser.on('error', (error: Error) => fail(new ProtocolError('invalid-payload', `malformed multipart body: ${error.message}`)));
    req.once('error', () => fail(aborted()));
    req.once('close', () => {
      if (!req.complete) fail(aborted());
    });
    req.pipe(parser);
  });
}

function multipartParser(req: Request, maxBytes: number): Busboy {
  try {
    // one byte over the limit: busboy signals 'limit' on reaching it, and a file of maxBytes is fine
    // browsers send the file's name as raw UTF-8 (busboy reads it as latin1 unless told)
    return busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { files: 1, fileSize: maxBytes + 1, fields: 16, parts: 32, fieldSize: 4096 } });
  } catch (error) {
    throw new ProtocolError('unsupported-media-type', `send multipart/form-data with the PDF in field "file" (${(error as Error).message})`);
  }
}

function aborted(): ProtocolError {
  return new ProtocolError('invalid-payload', 'the upload was aborted before its end');
}

/** The file's own name, without any folders or control characters; for display only. */
function cleanName(filename: string | undefined): string {
  const base = (filename ?? '').split(/[\\/]/).pop() ?? '';
  const name = base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 200);
  return name || 'document.pdf';
}

function noop(): void {}
