/** The Socket.IO room of a table's members: game state, layers, live updates, roles. */
export function roomOf(sessionId: string): string {
  return `session:${sessionId}`;
}

/** The room of a table's host and game masters: the only one their private document goes to. */
export function gmRoomOf(sessionId: string): string {
  return `gm:${sessionId}`;
}
