import type { TraceEvent, TraceSince } from '../protocol/kernel';

/** Distributes Omit over a union, so each event keeps its own fields. */
type WithoutTime<E> = E extends unknown ? Omit<E, 't'> : never;

/**
 * The structured event trace: what visualisations and exercise checks read. Bounded, so a
 * runaway program cannot exhaust the kernel's memory; the oldest events go first.
 */
export class Trace {
  private events: TraceEvent[] = [];
  private recorded = 0;

  constructor(
    readonly now: () => number,
    private readonly limit = 100_000,
  ) {}

  /** Stamps the event now, or at `t` when it happened earlier (reported in a batch). */
  record(event: WithoutTime<TraceEvent>, t = this.now()): void {
    this.events.push({ ...event, t } as TraceEvent);
    this.recorded += 1;
    // Trimmed in steps of a quarter, so a long run costs O(1) per event, not a shift each.
    if (this.events.length > this.limit * 1.25) {
      this.events.splice(0, this.events.length - this.limit);
    }
  }

  /** In time order: a process reports its IPC operations in batches, after they happened. */
  all(): TraceEvent[] {
    return this.events.slice(-this.limit).sort((a, b) => a.t - b.t);
  }

  /** What was recorded from the `from`th event on (counted from the run's start), in the order
   * recorded (a batch may be older than what came before it), and where the next read starts:
   * a live Timeline reads only what is new, so a long run costs each read little. */
  since(from: number): TraceSince {
    const first = this.recorded - this.events.length; // the count of the oldest one kept
    if (from > this.recorded) from = 0; // a reader of a run before a clear()
    return {
      events: this.events.slice(Math.max(0, from - first)),
      next: this.recorded,
      dropped: this.dropped,
      now: this.now(),
    };
  }

  /** The oldest events let go to keep within the limit. */
  get dropped(): number {
    return Math.max(0, this.recorded - this.limit);
  }

  clear(): void {
    this.events = [];
    this.recorded = 0;
  }
}
