import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
// y-websocket 2's own server side (bin/utils.cjs), as `npx y-websocket` runs it: documents in memory
import { setupWSConnection } from 'y-websocket/bin/utils';

/** The Yjs baseline of bench/suites/ab-latency.ts: y-websocket's server on PORT (loopback). */
const httpServer = createServer((_request, response) => response.end('okay'));
const wss = new WebSocketServer({ server: httpServer });
wss.on('connection', (conn, request) => setupWSConnection(conn, request, { gc: true }));
httpServer.listen(Number(process.env.PORT), '127.0.0.1');
