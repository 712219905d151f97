import { deflateSync, inflateSync } from 'node:zlib';
import type { z } from 'zod';
import { ProtocolError } from '../../shared/errors';
import { invalidPayload } from './socket-events';

/**
 * Inflates a client's binary payload (pako deflate, zlib format) and validates the JSON inside.
 *
 * zlib stops with ERR_BUFFER_TOO_LARGE as soon as its output passes `maxOutputLength`, so a
 * decompression bomb costs at most `maxBytes` of work. The inflate is synchronous on purpose:
 * it is bounded by that cap (about a millisecond per MiB), and it keeps the events of one socket
 * in the order they were sent, which a thread-pool inflate would not.
 */
export function decodePayload<S extends z.ZodType>(bytes: Uint8Array, maxBytes: number, schema: S, event: string): z.output<S> {
  const parsed = schema.safeParse(parseJson(inflateCapped(bytes, maxBytes, event), event));
  if (!parsed.success) throw invalidPayload(event, parsed.error);
  return parsed.data;
}

/** The server's side of shared/binary-codec's encodeBinary, with Node's native zlib. */
export function encodePayload(value: unknown): Buffer {
  return deflateSync(Buffer.from(JSON.stringify(value), 'utf8'));
}

function inflateCapped(bytes: Uint8Array, maxBytes: number, event: string): Buffer {
  try {
    return inflateSync(bytes, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ProtocolError('too-large', `${event}: the payload inflates past ${maxBytes} bytes`);
    }
    throw new ProtocolError('invalid-payload', `${event}: not a zlib deflate payload (${(error as Error).message})`);
  }
}

function parseJson(bytes: Buffer, event: string): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new ProtocolError('invalid-payload', `${event}: the inflated payload is not UTF-8 JSON`);
  }
}
