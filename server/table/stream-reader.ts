import { Readable } from 'node:stream';
import { ProtocolError } from '../../shared/errors';

const EMPTY = Buffer.alloc(0);

/**
 * Reads a byte stream in pieces, pulling chunks only as they are needed: a line of at most a
 * given length, then runs of exact lengths handed on as streams. What it holds at once is one
 * chunk, or the line being read.
 */
export class StreamReader {
  private readonly chunks: AsyncIterator<Buffer>;
  private rest: Buffer = EMPTY;
  private ended = false;

  constructor(source: AsyncIterable<Buffer | Uint8Array>) {
    this.chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  /** The bytes up to the next newline (which is consumed); `too-large` past `maxBytes` without one. */
  async readLine(maxBytes: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    let length = 0;
    for (;;) {
      const end = this.rest.indexOf(0x0a);
      if (end >= 0) {
        parts.push(this.rest.subarray(0, end));
        this.rest = this.rest.subarray(end + 1);
        return Buffer.concat(parts);
      }
      parts.push(this.rest);
      length += this.rest.length;
      if (length > maxBytes) throw new ProtocolError('too-large', `the header line may hold at most ${maxBytes} bytes`);
      if (!(await this.pull())) throw truncated();
    }
  }

  /** The next `length` bytes as a stream; it fails with `invalid-payload` when the source ends first. */
  take(length: number): Readable {
    return Readable.from(this.run(length), { objectMode: false });
  }

  /** True when nothing is left to read. */
  async atEnd(): Promise<boolean> {
    while (this.rest.length === 0) {
      if (!(await this.pull())) return true;
    }
    return false;
  }

  private async *run(length: number): AsyncGenerator<Buffer> {
    let left = length;
    while (left > 0) {
      if (this.rest.length === 0 && !(await this.pull())) throw truncated();
      const piece = this.rest.subarray(0, left);
      this.rest = this.rest.subarray(piece.length);
      left -= piece.length;
      yield piece;
    }
  }

  private async pull(): Promise<boolean> {
    if (this.ended) return false;
    const next = await this.chunks.next();
    if (next.done) {
      this.ended = true;
      return false;
    }
    const chunk: Uint8Array = next.value;
    this.rest = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    return true;
  }
}

function truncated(): ProtocolError {
  return new ProtocolError('invalid-payload', 'the file ends before the end its header announces');
}
