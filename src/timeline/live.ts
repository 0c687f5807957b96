/**
 * The Timeline kept current while a run goes on. The kernel's trace is read piece by piece
 * (only what is new since the last read), kept here in time order, and the model is built
 * again from it, no more often than its cost allows: a read (the kernel's copying and the page's
 * building) may take 3% of the time between reads, so a run with a hundred thousand
 * events is shown every few seconds instead of slowing the run. The panel (ui/timeline-view.ts) and the bench's Timeline rows use this.
 */
import type { TraceEvent, TraceSince } from '../../workers/protocol/kernel';
import { buildTimeline, type Timeline } from './model';

/** How often a light run is read again. */
export const REFRESH_MS = 500;
/** The share of the page's time the Timeline may take while a run goes on. */
const SHARE = 0.03;
/** As many events as the kernel's trace keeps (kernel/trace.ts). */
const LIMIT = 100_000;

export interface TimelineUpdate {
  timeline: Timeline;
  /** How many of the run's oldest events were let go. */
  dropped: number;
  /** How many it was built from. */
  events: number;
}

export class LiveTimeline {
  private events: TraceEvent[] = [];
  private next = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** A read under way: the next one waits for it. */
  private reading: Promise<void> | null = null;
  /** A run is going on: the timeline reaches the present, and is read again and again. */
  private live = false;
  /** Counts runs: a read that was asked for in an earlier run is let go when it answers. */
  private run = 0;
  /** Milliseconds the reads made while the run went on have taken, from asking to showing. */
  spentMs = 0;

  constructor(
    private readonly read: (from: number) => Promise<TraceSince>,
    private readonly show: (update: TimelineUpdate) => void,
    /** Whether anyone looks: while not, the reads wait (and catch up when shown). */
    private readonly watched: () => boolean = () => true,
  ) {}

  /** A run began: the timeline starts empty and follows it. */
  start(): void {
    this.live = true;
    this.run += 1;
    this.events = [];
    this.next = 0;
    this.spentMs = 0;
    this.later(REFRESH_MS);
  }

  /** The run ended: one last read, then no more. */
  async stop(): Promise<void> {
    this.live = false;
    clearTimeout(this.timer);
    // A read under way was asked for before the end: the last read comes after it.
    await this.reading;
    if (this.watched()) await this.refresh();
  }

  /** Reads what is new and shows the whole. */
  refresh(): Promise<void> {
    this.reading ??= this.readOnce().finally(() => (this.reading = null));
    return this.reading;
  }

  private async readOnce(): Promise<void> {
    // The cost counted is the whole read, the kernel's copying and the page's building.
    const began = performance.now();
    const run = this.run;
    let piece: TraceSince;
    try {
      piece = await this.read(this.next);
    } catch {
      // A kernel gone between runs, or busy being replaced: try again a little later.
      if (this.live) this.later(REFRESH_MS);
      return;
    }
    if (run !== this.run) {
      // A read from the run before: its events are let go, and the new run is read soon.
      if (this.live) this.later(REFRESH_MS);
      return;
    }
    this.take(piece);
    const timeline = buildTimeline(this.events, this.live ? piece.now : undefined);
    this.show({ timeline, dropped: piece.dropped, events: this.events.length });
    const spent = performance.now() - began;
    if (!this.live) return; // the last read, after the run
    this.spentMs += spent;
    this.later(Math.max(REFRESH_MS, spent / SHARE));
  }

  private later(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (!this.live) return;
      if (this.watched()) void this.refresh();
      else this.later(REFRESH_MS);
    }, ms);
  }

  /** Adds a piece, in time order. What a process reports late reaches back only a little way,
   * so the merge starts near the end. */
  private take(piece: TraceSince): void {
    if (piece.next < this.next) this.events = []; // the kernel's trace began anew
    this.next = piece.next;
    const fresh = piece.events.slice().sort((a, b) => a.t - b.t);
    if (fresh.length > 0) {
      const tail = this.events.splice(firstAfter(this.events, fresh[0].t));
      let i = 0;
      let j = 0;
      while (i < tail.length || j < fresh.length) {
        // Of equal times, what was kept comes first, as the kernel's own sort has it.
        if (j === fresh.length || (i < tail.length && tail[i].t <= fresh[j].t)) {
          this.events.push(tail[i++]);
        } else this.events.push(fresh[j++]);
      }
    }
    if (this.events.length > LIMIT) this.events.splice(0, this.events.length - LIMIT);
  }
}

/** The index of the first event later than `t` (binary search). */
function firstAfter(events: readonly TraceEvent[], t: number): number {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (events[middle].t <= t) low = middle + 1;
    else high = middle;
  }
  return low;
}
