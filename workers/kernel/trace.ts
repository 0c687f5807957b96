import type { TraceEvent } from '../protocol/kernel';

/** Distributes Omit over a union, so each event keeps its own fields. */
type WithoutTime<E> = E extends unknown ? Omit<E, 't'> : never;

/**
 * The structured event trace: what visualisations and exercise checks read. Bounded, so a
 * runaway program cannot exhaust the kernel's memory; the oldest events go first.
 */
export class Trace {
  private events: TraceEvent[] = [];

  constructor(
    private readonly now: () => number,
    private readonly limit = 100_000,
  ) {}

  record(event: WithoutTime<TraceEvent>): void {
    this.events.push({ ...event, t: this.now() } as TraceEvent);
    if (this.events.length > this.limit) this.events.splice(0, this.events.length - this.limit);
  }

  all(): TraceEvent[] {
    return this.events.slice();
  }

  clear(): void {
    this.events = [];
  }
}
