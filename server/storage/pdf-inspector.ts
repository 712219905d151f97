import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { ProtocolError } from '../../shared/errors';

const PDF_MAGIC = Buffer.from('%PDF-', 'latin1');

/** Passes bytes through while hashing them and checking the `%PDF-` magic at the very start. */
export class PdfInspector extends Transform {
  size = 0;
  private readonly hash = createHash('sha256');
  private head = Buffer.alloc(0);

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    this.hash.update(chunk);
    if (this.head.length < PDF_MAGIC.length) {
      this.head = Buffer.concat([this.head, chunk.subarray(0, PDF_MAGIC.length - this.head.length)]);
      // refuse as soon as the first bytes disagree, not after the whole file
      if (!PDF_MAGIC.subarray(0, this.head.length).equals(this.head)) {
        callback(notPdf());
        return;
      }
    }
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    callback(this.head.length < PDF_MAGIC.length ? notPdf() : null);
  }

  sha256(): string {
    return this.hash.digest('hex');
  }
}

function notPdf(): ProtocolError {
  return new ProtocolError('unsupported-media-type', 'the file is not a PDF: it does not start with %PDF-');
}
