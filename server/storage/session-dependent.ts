/**
 * Data kept for a session outside the session store (the layer store, the PDF store): it goes
 * when its session expires. Register implementations with the Housekeeping of server.ts.
 */
export interface SessionDependent {
  /** For logs: which kind of data this is. */
  readonly name: string;
  /**
   * Removes everything kept for these sessions, which no longer exist in the session store.
   * Called after they were removed there, so it must be idempotent, and a dependent should also
   * collect, at start, what belongs to no session (a crash may have come between the two).
   */
  removeSessions(sessionIds: readonly string[]): Promise<void>;
}
