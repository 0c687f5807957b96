/**
 * How many booted workers the pool keeps ready. A boot takes a core for a few hundred
 * milliseconds, so a program that starts many processes at once (`Pool(8)`) waits for boots, one
 * per core. Learners run the same program again and again, so the pool grows to the most
 * workers a program wanted at once (the kernel's ProcessTable `wantedAt`: the processes present,
 * or a parent and the children it started since it last waited for one, however soon each
 * ended), up to `most`, and the program run again finds its workers booted. The extra workers
 * boot only while nothing runs, so as not to slow a running program; idle workers hold memory,
 * so a while without starts brings the pool back to its usual size.
 */
export class WarmPoolSize {
  private lastLaunch = -Infinity;
  private grown: number;

  constructor(
    private readonly usual: number,
    private readonly most: number,
    /** After this long without a start, the pool goes back to its usual size. */
    readonly idleMs = 60_000,
  ) {
    this.grown = usual;
  }

  /** A process took a worker at `now` (ms); the program wants `running` now, this one too. */
  launched(now: number, running: number): void {
    this.lastLaunch = now;
    this.grown = Math.min(this.most, Math.max(this.grown, running));
  }

  /** The size to refill to at `now`, while `running` processes hold workers. */
  target(now: number, running: number): number {
    if (now - this.lastLaunch >= this.idleMs) this.grown = this.usual;
    return running > 0 ? this.usual : this.grown;
  }
}

/** The most an emptied pool's refill waits for starts (a process may compute a long while
 * before its first call). */
const MOST_REFILL_WAIT_MS = 1000;

/**
 * The processes just given a worker that have not yet called the kernel. A start takes a core
 * (a forked child copies its parent's memory in), so a pool emptied by a burst refills once they
 * are all up, at most a second later: booting at once would give the burst's last children a
 * core between two boots.
 */
export class StartingProcesses {
  private count = 0;
  private waiting: (() => void) | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** One more starts; the call it returns says it is up (once; later calls do nothing). */
  begin(): () => void {
    this.count += 1;
    let up = false;
    return () => {
      if (up) return;
      up = true;
      this.count -= 1;
      if (this.count === 0) this.release();
    };
  }

  /** Runs `refill` now if none is starting, else once all are up (a later call replaces it). */
  whenAllUp(refill: () => void): void {
    this.waiting = refill;
    if (this.count === 0) return this.release();
    this.timer ??= setTimeout(() => this.release(), MOST_REFILL_WAIT_MS);
  }

  /** The refill ran by another way: nothing waits any more. */
  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.waiting = null;
  }

  private release(): void {
    const refill = this.waiting;
    this.cancel();
    refill?.();
  }
}

/** How long after the processes just started are up a pool they left workers in refills. */
const REFILL_DELAY_MS = 100;

/**
 * When the warm pool refills after starts. Booting a worker takes a core for a few hundred
 * milliseconds; doing it while the processes just started run would slow them down. So the
 * pool refills a moment after they are all up, or as soon as they are if it is empty. (A moment
 * after they are up, not after the last start: a program that starts a process every 200 ms
 * would otherwise put the refill off until the pool is empty, and wait for a boot at every third
 * start.)
 */
export class PoolRefill {
  private readonly starting = new StartingProcesses();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly refill: () => void,
    private readonly delayMs = REFILL_DELAY_MS,
  ) {}

  /** A process took a worker; the call it returns says it is up (StartingProcesses). */
  begin(): () => void {
    return this.starting.begin();
  }

  /** After a start or an end; `empty`: the pool has no worker left. */
  soon(empty: boolean): void {
    if (empty) return this.starting.whenAllUp(() => this.now());
    this.starting.whenAllUp(() => {
      this.timer ??= setTimeout(() => this.now(), this.delayMs);
    });
  }

  now(): void {
    this.cancel();
    this.refill();
  }

  /** The pool refilled by another way: nothing waits any more. */
  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.starting.cancel();
  }
}

/** How long after a process took a worker the teardowns of ended workers wait: a burst's
 * starts come a few milliseconds apart. */
const STARTS_QUIET_MS = 300;
/** The most a teardown waits, however starts go on. */
const MOST_HELD_MS = 1000;
/** The most workers held at once (each holds its memory): a program that starts and ends
 * processes without pause ends the oldest at once beyond these. */
const MOST_HELD = 8;

/**
 * The teardowns of workers whose processes ended by themselves (they halt, and do nothing
 * more). A teardown takes a core for a moment, as a start does (a forked child copies its
 * parent's memory in): in a burst, the children that already ended would otherwise slow the
 * last ones' starts. So each waits until no process has taken a worker for a moment, at most a
 * second, and no more than MOST_HELD wait.
 */
export class HeldTeardowns {
  private lastStart = -Infinity;
  private readonly held: { teardown: () => void; at: number }[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** A process took a worker. */
  started(): void {
    this.lastStart = this.now();
    this.schedule();
  }

  hold(teardown: () => void): void {
    this.held.push({ teardown, at: this.now() });
    while (this.held.length > MOST_HELD) this.held.shift()?.teardown();
    this.schedule();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (this.held.length === 0) return;
    const due = Math.min(this.lastStart + STARTS_QUIET_MS, this.held[0].at + MOST_HELD_MS);
    this.timer = setTimeout(
      () => {
        for (const { teardown } of this.held.splice(0)) teardown();
      },
      Math.max(0, due - this.now()),
    );
  }
}
