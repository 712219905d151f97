/**
 * How long one update keeps trying against other nodes appending to the same table. A lost race
 * is not a failure of the store: other nodes are busy, so the update waits its turn rather than
 * being refused; only a table that stays contended this long gives `internal` (rule G6).
 */
export const RACE_RETRY_MS = 30_000;

/** The first pause after a lost race; doubled at each further loss in a row, up to `MAX_PAUSE_MS`. */
const FIRST_PAUSE_MS = 4;
const MAX_PAUSE_MS = 250;

/**
 * The pause of a session before it reads the log again after losing the race for its next
 * version, drawn at random up to a ceiling that doubles with each loss in a row ("full jitter"):
 * the nodes that lost together do not try again together, and the updates that arrive meanwhile
 * are merged on what the log holds in one go. The session pauses, not each update: its updates
 * are tried again in the order they came, as a client's sequence numbers require.
 */
export class RaceBackoff {
  private losses = 0;

  constructor(private readonly random: () => number = Math.random) {}

  lost(): void {
    this.losses++;
  }

  /** A commit went through: the next lost race starts from the first pause again. */
  won(): void {
    this.losses = 0;
  }

  pause(): Promise<void> {
    const ceiling = Math.min(MAX_PAUSE_MS, FIRST_PAUSE_MS * 2 ** Math.max(0, this.losses - 1));
    return new Promise((resolve) => setTimeout(resolve, Math.floor(this.random() * ceiling)));
  }
}
