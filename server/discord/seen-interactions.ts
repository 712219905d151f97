/**
 * The ids of the commands taken lately. Discord sends each interaction once, under an id of its
 * own; a signed request sent again while its timestamp still passes the signature check (up to
 * the skew each way, so up to twice the skew after it was first taken) is a replay, and would run
 * its command again: `/table end` ending a table that was started since, say.
 */
export class SeenInteractions {
  /** Each id and when it may be forgotten: set in time order, so the first ones expire first. */
  private readonly forgetAt = new Map<string, number>();

  constructor(
    private readonly keepMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** True the first time `id` is taken within the window; false for a replay of it. */
  firstSight(id: string): boolean {
    const now = this.now();
    this.forgetExpired(now);
    if (this.forgetAt.has(id)) return false;
    this.forgetAt.set(id, now + this.keepMs);
    return true;
  }

  get size(): number {
    return this.forgetAt.size;
  }

  private forgetExpired(now: number): void {
    for (const [id, at] of this.forgetAt) {
      if (at > now) return;
      this.forgetAt.delete(id);
    }
  }
}
