/**
 * How long one update keeps trying against other nodes appending to the same table. A lost race
 * is not a failure of the store: other nodes are busy, so the update waits its turn rather than
 * being refused; only a table that stays contended this long gives `internal` (rule G6).
 */
export const RACE_RETRY_MS = 30_000;

/** The first pause after a lost race; doubled at each further loss, up to `MAX_PAUSE_MS`. */
const FIRST_PAUSE_MS = 4;
const MAX_PAUSE_MS = 250;

/**
 * The retries of one update that lost the race for its table's next version: bounded by time,
 * not by count, each after a pause drawn at random up to a doubling ceiling ("full jitter"), so
 * that the nodes that lost together do not try again together.
 */
export class RaceRetry {
  private losses = 0;
  private readonly deadline: number;

  constructor(
    limitMs = RACE_RETRY_MS,
    private readonly random: () => number = Math.random,
  ) {
    this.deadline = Date.now() + limitMs;
  }

  /** Waits the pause of this loss; false (at once) when the update has tried for as long as it may. */
  async again(): Promise<boolean> {
    if (Date.now() >= this.deadline) return false;
    const ceiling = Math.min(MAX_PAUSE_MS, FIRST_PAUSE_MS * 2 ** this.losses);
    this.losses++;
    await new Promise((resolve) => setTimeout(resolve, Math.floor(this.random() * ceiling)));
    return true;
  }
}
