/** The first chunk's size; each next one doubles, up to MAX_CHUNK_BYTES (unless a text needs more). */
const FIRST_CHUNK_BYTES = 512;
const MAX_CHUNK_BYTES = 16 * 1024;

/**
 * Texts written one after another as UTF-8 into byte chunks outside the JavaScript heap, read
 * back by where they were written, and forgotten oldest first, a chunk at a time. A table's
 * history keeps its deltas here: as strings, each one was an object that ended in the old
 * generation (some 300 KB a second at 400 busy tables) and that every full collection marked.
 */
export class TextChunks {
  private readonly chunks: Buffer[] = [];
  /** The number of `chunks[0]`: chunks are numbered in the order they were made. */
  private firstNumber = 0;
  /** Bytes used in the newest chunk. */
  private used = 0;
  /** Where the last append wrote, in its chunk: `lastBytes` of its text, then `lastAfterBytes` of the text after it. */
  lastOffset = 0;
  lastBytes = 0;
  lastAfterBytes = 0;

  /**
   * Writes `text`, then `after` right behind it in the same chunk, and returns the number of that
   * chunk (`lastOffset`, `lastBytes` and `lastAfterBytes` say where in it).
   */
  append(text: string, after = ''): number {
    // a UTF-16 code unit is at most three bytes of UTF-8
    const most = (text.length + after.length) * 3;
    let newest = this.chunks[this.chunks.length - 1];
    if (!newest || this.used + most > newest.length) {
      const size = newest ? Math.min(MAX_CHUNK_BYTES, newest.length * 2) : FIRST_CHUNK_BYTES;
      newest = Buffer.allocUnsafeSlow(Math.max(size, most));
      this.chunks.push(newest);
      this.used = 0;
    }
    this.lastOffset = this.used;
    this.lastBytes = newest.write(text, this.used, 'utf8');
    this.lastAfterBytes = after.length === 0 ? 0 : newest.write(after, this.used + this.lastBytes, 'utf8');
    this.used += this.lastBytes + this.lastAfterBytes;
    return this.firstNumber + this.chunks.length - 1;
  }

  read(chunk: number, offset: number, bytes: number): string {
    const held = this.chunks[chunk - this.firstNumber];
    if (!held) throw new Error(`chunk ${chunk} is not held`);
    return held.toString('utf8', offset, offset + bytes);
  }

  /** Forgets the chunks numbered below `chunk`: nothing in them is read again. */
  dropBefore(chunk: number): void {
    while (this.firstNumber < chunk && this.chunks.length > 0) {
      this.chunks.shift();
      this.firstNumber++;
    }
  }

  clear(): void {
    this.firstNumber += this.chunks.length;
    this.chunks.length = 0;
    this.used = 0;
  }
}
