/** y-websocket 2's server side (bin/utils.cjs), which ships without types. */
declare module 'y-websocket/bin/utils' {
  import type { IncomingMessage } from 'node:http';
  import type { WebSocket } from 'ws';

  export function setupWSConnection(conn: WebSocket, req: IncomingMessage, options?: { docName?: string; gc?: boolean }): void;
}
