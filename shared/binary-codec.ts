import { deflate, Inflate } from 'pako';

/**
 * The binary encoding of update-layers, layers-updated and real-time-update: pako deflate (zlib
 * format) of the UTF-8 JSON of the payload. Transport-agnostic: what comes out is what Socket.IO
 * sends as a binary attachment.
 */
export function encodeBinary(value: unknown): Uint8Array {
  return deflate(new TextEncoder().encode(JSON.stringify(value)));
}

/** Thrown by decodeBinary when the payload would inflate past its limit. */
export class InflateLimitError extends Error {
  constructor(readonly maxBytes: number) {
    super(`the payload inflates past ${maxBytes} bytes`);
    this.name = 'InflateLimitError';
  }
}

/**
 * Inflates and parses a binary payload, stopping as soon as the output passes `maxBytes`: a
 * small crafted payload (a decompression bomb) costs at most `maxBytes` of work and memory.
 */
export function decodeBinary(bytes: Uint8Array, maxBytes: number): unknown {
  const inflater = new Inflate();
  const chunks: Uint8Array[] = [];
  let total = 0;
  inflater.onData = (chunk) => {
    total += chunk.length;
    // throwing here unwinds out of push(): pako produces no more output
    if (total > maxBytes) throw new InflateLimitError(maxBytes);
    chunks.push(chunk.slice());
  };
  inflater.push(bytes, true);
  if (inflater.err) throw new Error(`not a deflate payload: ${inflater.msg}`);
  if (!inflater.ended) throw new Error('not a deflate payload: it ends before its end');
  return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(concat(chunks, total)));
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
