/**
 * How many booted workers the pool keeps ready. A boot takes a core for a few hundred
 * milliseconds, so a burst of starts (`Pool(8)`) would wait for boots one per core. Learners run
 * the same program again and again, so the pool grows to the largest burst it has seen, up to
 * `most`, and a program run again finds its workers booted. Idle workers hold memory, so a while
 * without starts brings the pool back to its usual size.
 */
export class WarmPoolSize {
  private burst = 0;
  private lastLaunch = -Infinity;
  private grown: number;

  constructor(
    private readonly usual: number,
    private readonly most: number,
    /** Starts closer together than this belong to one burst. */
    private readonly burstGapMs = 1_000,
    /** After this long without a start, the pool goes back to its usual size. */
    readonly idleMs = 60_000,
  ) {
    this.grown = usual;
  }

  /** A process took a worker at `now` (ms); returns the size to refill to. */
  launched(now: number): number {
    this.burst = now - this.lastLaunch < this.burstGapMs ? this.burst + 1 : 1;
    this.lastLaunch = now;
    this.grown = Math.min(this.most, Math.max(this.grown, this.burst));
    return this.grown;
  }

  /** The size wanted at `now`. */
  target(now: number): number {
    if (now - this.lastLaunch >= this.idleMs) this.grown = this.usual;
    return this.grown;
  }
}
