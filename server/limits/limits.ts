/** The bounds one session enforces; all come from the configuration. */
export interface SessionLimits {
  /** Canonical JSON bytes of the `updates` of one update-game-state. */
  maxUpdateBytes: number;
  /** Canonical JSON bytes of a session's whole state. */
  maxStateBytes: number;
  historyMaxEntries: number;
  historyMaxBytes: number;
  /** LCS cells an array diff may cost before the array is replaced whole. */
  maxArrayDiffCells: number;
  /** A snapshot is stored every this many versions, so the log stays short. */
  snapshotEvery: number;
}
