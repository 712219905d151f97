import { createRequire } from 'node:module';
import type * as SocketIoParser from 'socket.io-parser';

/**
 * The parser's CommonJS build, which Socket.IO itself loads: an ESM import under Node gets its
 * debug build, whose `debug(...)` calls on every packet cost an arguments array each even when off.
 */
const { Decoder, Encoder, PacketType } = createRequire(import.meta.url)('socket.io-parser') as typeof SocketIoParser;

/** How many characters a text frame of each event may hold; any other event gets `otherEvents`. */
export interface FrameLimits {
  byEvent: Readonly<Record<string, number>>;
  otherEvents: number;
}

/**
 * What an event's handler receives instead of its payload when the frame was over the event's
 * limit: the frame was never parsed, so the refusal costs nothing of the size of the payload.
 */
export class OversizedFrame {
  constructor(
    readonly chars: number,
    readonly limit: number,
  ) {}
}

/** The Socket.IO packet header before the JSON: type, attachments, namespace, ack id, event name. */
const EVENT_HEADER = /^[25](?:\d+-)?(?:(\/[^,]*),)?(\d*)\["((?:[^"\\]|\\.){1,128})"/;
const HEADER_CHARS = 512;

/**
 * The names socket.io-parser refuses as events from a client (its RESERVED_EVENTS, not exported):
 * a frame decoded here skips the parser's check, and a `disconnect` passed on would run the
 * server's disconnect listeners (giving back the socket's place under the user's limit) while the
 * socket stays open.
 */
const RESERVED_EVENTS: ReadonlySet<string> = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);

/**
 * The Socket.IO parser with a size check in front of JSON.parse: Socket.IO parses every frame
 * before any handler or middleware sees it, and a 2 MB frame costs far more to parse and walk
 * than to refuse. A frame over its event's limit is decoded to that event with an OversizedFrame
 * (its ack id kept, so the sender is answered `too-large`); one whose event cannot be read from
 * its first bytes, or names a reserved event, is a protocol violation and closes the socket, as a
 * malformed frame does.
 */
export function frameLimitedParser(limits: FrameLimits) {
  const smallest = Math.min(limits.otherEvents, ...Object.values(limits.byEvent));

  class FrameLimitedDecoder extends Decoder {
    override add(frame: unknown): void {
      if (typeof frame !== 'string' || frame.length <= smallest) return super.add(frame);
      const header = EVENT_HEADER.exec(frame.slice(0, HEADER_CHARS));
      if (!header) {
        if (frame.length <= limits.otherEvents) return super.add(frame);
        throw new Error(`a frame of ${frame.length} characters with no event name`);
      }
      const [, nsp, id = '', quotedName = ''] = header;
      const event = JSON.parse(`"${quotedName}"`) as string;
      // as the parser does with a reserved name: the frame is invalid, and the socket closes
      if (RESERVED_EVENTS.has(event)) throw new Error(`a frame of the reserved event "${event}"`);
      const limit = Object.hasOwn(limits.byEvent, event) ? (limits.byEvent[event] as number) : limits.otherEvents;
      if (frame.length <= limit) return super.add(frame);
      // a binary event's attachments, if any follow, arrive with no packet to complete: the parser
      // then fails and the socket closes, which a sender of such a header has earned
      this.emitReserved('decoded', {
        type: PacketType.EVENT,
        nsp: nsp ?? '/',
        ...(id === '' ? {} : { id: Number(id) }),
        data: [event, new OversizedFrame(frame.length, limit)],
      });
    }
  }

  return { Encoder, Decoder: FrameLimitedDecoder };
}
