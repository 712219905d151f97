/**
 * When a table's host or game masters were last seen at it, as every node sees it: a member may
 * claim the table once they have all been away for TABLE_CLAIM_SECONDS (role-rules.ts), and a
 * node that loaded the table a minute ago must not count from its own load when another node
 * saw them leave an hour ago.
 */
export interface StaffClock {
  /** A host or game master was at the table at `at` (joined, or left it then). */
  seen(sessionId: string, at: number): void;
  /** When any node last saw them; undefined when none said (a single node: its own memory decides). */
  lastSeen(sessionId: string): Promise<number | undefined>;
}

/** A single node: the session's own memory is all there is. */
export const localStaffClock: StaffClock = {
  seen: () => undefined,
  lastSeen: () => Promise.resolve(undefined),
};
