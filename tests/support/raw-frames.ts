import type { Socket } from 'socket.io-client';
import { inflate } from 'pako';

/**
 * Everything a socket receives, as text: every engine.io frame as it arrived, binary attachments
 * inflated where they are deflated payloads (layers), so a test can say some bytes never came.
 */
export function recordFrames(socket: Socket): { text(): string } {
  const frames: string[] = [];
  socket.io.engine.on('packet', (packet: { data?: unknown }) => {
    const { data } = packet;
    if (typeof data === 'string') frames.push(data);
    else if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) frames.push(binaryText(data));
  });
  return { text: () => frames.join('\n') };
}

function binaryText(data: ArrayBuffer | ArrayBufferView): string {
  const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  try {
    return new TextDecoder().decode(inflate(bytes));
  } catch {
    return Buffer.from(bytes).toString('latin1');
  }
}
