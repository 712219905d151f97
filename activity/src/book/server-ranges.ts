import { PDFDataRangeTransport } from 'pdfjs-dist';

/** A book on the server: where it is, the token that may read it, and its size (the session's pdfData says it). */
export interface ServerPdf {
  url: string;
  token: string;
  size: number;
}

/** A range of the file fetched ahead, shared by the requests for bytes inside it. */
interface Prefetched {
  begin: number;
  end: number;
  bytes: Promise<Uint8Array>;
}

/** `startxref <offset>` and `%%EOF` end every PDF (ISO 32000-1, 7.5.5), within its last 1024 bytes. */
const STARTXREF = /startxref\s+(\d+)\s+%%EOF\s*$/;

/**
 * The bytes of a server's PDF for pdf.js, fetched by us in ranges. pdf.js's own loader first asks
 * for the whole file to learn its size and whether ranges work (a round trip, and the bytes that
 * arrive before it cancels), then reads the header, then the file's last bytes, then the
 * cross-reference table they point to, one after the other. We know the size from the session:
 * `prefetchEnds` fetches the header and the last chunk at once, and the cross-reference table as
 * soon as the last chunk names it, while pdf.js's worker is still starting. pdf.js's requests
 * for bytes inside them wait for those fetches instead of making their own.
 */
export class ServerPdfRanges extends PDFDataRangeTransport {
  readonly #pdf: ServerPdf;
  readonly #prefetched: Prefetched[] = [];
  readonly #aborted = new AbortController();
  /** pdf.js waits for ever for a range that never comes: a fetch that fails fails the book. */
  onFailure: (error: unknown) => void = () => undefined;

  constructor(pdf: ServerPdf) {
    super(pdf.size, null);
    this.#pdf = pdf;
  }

  /** Fetches the first chunk, the last, and the cross-reference table, as pdf.js will read them (in chunks of `chunkBytes`). */
  prefetchEnds(chunkBytes: number): void {
    const { size } = this.#pdf;
    // the last 1024 bytes may start in the chunk before the last (pdf.js then asks for both)
    const tailStart = Math.floor(Math.max(0, size - 1024) / chunkBytes) * chunkBytes;
    const headEnd = Math.min(chunkBytes, tailStart);
    if (headEnd > 0) this.#prefetch(0, headEnd);
    const tail = this.#prefetch(tailStart, size);
    void tail.bytes.then((bytes) => {
      const offset = Number(STARTXREF.exec(latin1(bytes.subarray(-1024)))?.[1]);
      const xrefStart = Math.max(headEnd, Math.floor(offset / chunkBytes) * chunkBytes);
      if (Number.isSafeInteger(offset) && xrefStart < tailStart) this.#prefetch(xrefStart, tailStart);
    }, () => undefined);
  }

  override requestDataRange(begin: number, end: number): void {
    this.#read(begin, end).then(
      (bytes) => this.onDataRange(begin, bytes),
      (error: unknown) => this.onFailure(error),
    );
  }

  override abort(): void {
    this.#aborted.abort();
  }

  #prefetch(begin: number, end: number): Prefetched {
    const prefetched = { begin, end, bytes: this.#get(begin, end) };
    // one nobody reads changes nothing; one a request reads is fetched again (#read)
    prefetched.bytes.catch(() => undefined);
    this.#prefetched.push(prefetched);
    this.#prefetched.sort((a, b) => a.begin - b.begin);
    return prefetched;
  }

  /** Bytes `begin` to `end` (exclusive): from the prefetched ranges that hold them, fetched where none does. */
  async #read(begin: number, end: number): Promise<Uint8Array> {
    const parts: Array<Promise<Uint8Array>> = [];
    let at = begin;
    for (const range of this.#prefetched) {
      if (range.end <= at || range.begin >= end) continue;
      if (range.begin > at) parts.push(this.#get(at, range.begin));
      const [from, to] = [Math.max(at, range.begin), Math.min(end, range.end)];
      // a prefetch that failed is fetched again, as asked: only pdf.js's own request fails the book
      const slice = (bytes: Uint8Array) => bytes.subarray(from - range.begin, to - range.begin);
      parts.push(range.bytes.then(slice, () => this.#get(from, to)));
      at = to;
    }
    if (at < end) parts.push(this.#get(at, end));
    const pieces = await Promise.all(parts);
    // a copy: pdf.js takes over the buffer it is given, and a prefetched range may serve another request
    const whole = new Uint8Array(end - begin);
    let offset = 0;
    for (const piece of pieces) {
      whole.set(piece, offset);
      offset += piece.length;
    }
    return whole;
  }

  async #get(begin: number, end: number): Promise<Uint8Array> {
    const response = await fetch(this.#pdf.url, {
      headers: { Authorization: `Bearer ${this.#pdf.token}`, Range: `bytes=${begin}-${end - 1}` },
      signal: this.#aborted.signal,
    });
    if (response.status !== 206 && response.status !== 200) throw new Error(`bytes ${begin}-${end - 1} of the book: HTTP ${response.status}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    // a server that ignores ranges sends the whole file: the part asked for is in it
    return response.status === 200 ? bytes.subarray(begin, end) : bytes;
  }
}

function latin1(bytes: Uint8Array): string {
  return new TextDecoder('latin1').decode(bytes);
}
