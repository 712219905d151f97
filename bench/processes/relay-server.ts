import { createServer } from 'node:http';
import { Server } from 'socket.io';

/**
 * The baseline of the crowd: a bare Socket.IO server carrying the same traffic as the real one.
 * Each client joins its table's room; a `relay` goes to everyone in that room, the sender included,
 * as game-state-delta does. Listens on PORT (loopback) and prints nothing.
 */
const httpServer = createServer();
const io = new Server(httpServer);
io.on('connection', (socket) => {
  socket.on('join', (room: string, ack: () => void) => {
    void socket.join(room);
    ack();
  });
  socket.on('relay', (payload: { room: string; n: number }, ack?: (answer: { ok: true; n: number }) => void) => {
    io.to(payload.room).emit('relayed', payload);
    // a sender asking for an ack gets one at once, as many bytes as the server's `{ ok, version }`
    ack?.({ ok: true, n: payload.n });
  });
});
httpServer.listen(Number(process.env.PORT), '127.0.0.1');
