/** How a session speaks to its members: all the session knows of the transport. */
export interface SessionChannel {
  broadcast(sessionId: string, event: string, payload: unknown): void;
}
