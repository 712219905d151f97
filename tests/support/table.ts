import type { TestContext } from 'node:test';
import type { Socket } from 'socket.io-client';
import { decodeBinary } from '../../shared/binary-codec';
import type { FullGameState } from '../../shared/protocol';
import { TableClient } from '../../shared/table-client';
import { guest, nextEvent, openSocket, request, type Guest } from './harness';

export interface Player extends Guest {
  socket: Socket;
  table: TableClient;
}

/** A guest with a real socket and a TableClient listening on it. */
export async function player(baseUrl: string, name: string): Promise<Player> {
  const identity = await guest(baseUrl, name);
  const socket = await openSocket(baseUrl, identity.token);
  return { ...identity, socket, table: new TableClient({ socket }) };
}

/** Joins `sessionId` and resolves with the full state the join brings. */
export async function join(someone: Player, sessionId: string): Promise<FullGameState> {
  const full = nextEvent<FullGameState>(someone.socket, 'full-game-state');
  const ack = await request(someone.socket, 'join-session', sessionId);
  if (!ack.ok) throw new Error(`join failed: ${JSON.stringify(ack)}`);
  return full;
}

/** A session made by the first of `names`, joined by all of them. */
export async function tableOf(baseUrl: string, ...names: string[]): Promise<{ sessionId: string; players: Player[] }> {
  const players = await Promise.all(names.map((name) => player(baseUrl, name)));
  const created = await request((players[0] as Player).socket, 'create-session');
  for (const someone of players) await join(someone, created.sessionId);
  return { sessionId: created.sessionId, players };
}

/**
 * A session made by the first of `seats` (each a server's URL and a name: players on several
 * nodes), joined by all of them in order, their sockets closed when the test ends.
 */
export async function tableAcross(t: TestContext, ...seats: Array<[baseUrl: string, name: string]>): Promise<{ sessionId: string; players: Player[] }> {
  const players = await Promise.all(seats.map(([baseUrl, name]) => player(baseUrl, name)));
  t.after(() => closeAll(players));
  const created = await request((players[0] as Player).socket, 'create-session');
  for (const someone of players) await join(someone, created.sessionId);
  return { sessionId: created.sessionId, players };
}

export function closeAll(players: Player[]): void {
  for (const someone of players) someone.socket.disconnect();
}

/** What a test reads of a binary event. */
export function decoded<T = any>(bytes: Uint8Array): T {
  return decodeBinary(bytes, 64 * 1024 * 1024) as T;
}

/** A small valid PDF (one empty page); `note` makes books with different bytes. */
export function minimalPdf(note = '', padding = 0): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>',
  ];
  let body = `%PDF-1.4\n% ${note}${' '.repeat(padding)}\n`;
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(Buffer.byteLength(body));
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body);
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

export function uploadPdf(baseUrl: string, sessionId: string, token: string | undefined, bytes: Uint8Array, filename = 'book.pdf') {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'application/pdf' }), filename);
  return fetch(`${baseUrl}/api/sessions/${sessionId}/pdfs`, {
    method: 'POST',
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    body: form,
  });
}
