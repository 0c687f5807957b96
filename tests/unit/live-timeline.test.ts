import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TraceEvent, TraceSince } from '../../workers/protocol/kernel';
import { LiveTimeline, REFRESH_MS, type TimelineUpdate } from '../../src/timeline/live';
import { Trace } from '../../workers/kernel/trace';

const put = (t: number, pid: number): TraceEvent => ({
  type: 'put',
  t,
  pid,
  tid: pid,
  object: 'Queue#1',
});
const get = (t: number, pid: number): TraceEvent => ({
  type: 'get',
  t,
  pid,
  tid: pid,
  object: 'Queue#1',
});

afterEach(() => vi.useRealTimers());

describe('LiveTimeline', () => {
  it('reads only what is new and keeps the whole in time order, late batches merged in', async () => {
    let now = 0;
    const trace = new Trace(() => now);
    const reads: number[] = [];
    const shown: TimelineUpdate[] = [];
    const live = new LiveTimeline(
      async (from) => {
        reads.push(from);
        return trace.since(from);
      },
      (update) => shown.push(update),
    );
    live.start();
    now = 1;
    trace.record(put(1, 2));
    now = 4;
    trace.record(put(4, 2));
    await live.refresh();
    // A batch from the other process, reported after the fact: its get came between the puts.
    trace.record(get(2, 1), 2);
    trace.record(get(5, 1), 5);
    await live.refresh();
    expect(reads).toEqual([0, 2]);
    const last = shown.at(-1)!;
    expect(last.events).toBe(4);
    // Each item's arrow: the puts at 1 and 4 reached the gets at 2 and 5.
    expect(last.timeline.arrows.map((a) => [a.from.t, a.to.t])).toEqual([
      [1, 2],
      [4, 5],
    ]);
    await live.stop();
  });

  it('starts empty for a new run, and follows a trace that began anew', async () => {
    const pieces: TraceSince[] = [
      { events: [put(1, 2), get(2, 1)], next: 2, dropped: 0, now: 3 },
      { events: [put(7, 2)], next: 1, dropped: 0, now: 8 }, // the kernel was reset
      { events: [], next: 1, dropped: 0, now: 9 }, // the last read, after the run
    ];
    const shown: TimelineUpdate[] = [];
    const live = new LiveTimeline(
      async () => pieces.shift()!,
      (update) => shown.push(update),
    );
    live.start();
    await live.refresh();
    expect(shown[0].events).toBe(2);
    expect(shown[0].timeline.end).toBe(3); // a live run reaches the present
    await live.refresh();
    expect(shown[1].events).toBe(1);
    await live.stop();
  });

  it('reads again no more often than its cost allows', async () => {
    vi.useFakeTimers();
    let reads = 0;
    const slow: TraceSince = { events: [], next: 0, dropped: 0, now: 0 };
    const live = new LiveTimeline(
      async () => {
        reads += 1;
        return slow;
      },
      () => {
        // Building the timeline took 100 ms of the page's time.
        const until = performance.now() + 100;
        while (performance.now() < until) vi.advanceTimersByTime(1);
      },
    );
    live.start();
    await vi.advanceTimersByTimeAsync(REFRESH_MS);
    expect(reads).toBe(1);
    // At 3% of the page's time, the next read waits 3.3 s, not REFRESH_MS.
    await vi.advanceTimersByTimeAsync(2800);
    expect(reads).toBe(1);
    await vi.advanceTimersByTimeAsync(600);
    expect(reads).toBe(2);
    await live.stop();
  });

  it('lets go of a read asked for in the run before, and reads the new run', async () => {
    let answer: ((piece: TraceSince) => void) | undefined;
    const reads: number[] = [];
    const shown: TimelineUpdate[] = [];
    const live = new LiveTimeline(
      (from) => {
        reads.push(from);
        return new Promise((resolve) => (answer = resolve));
      },
      (update) => shown.push(update),
    );
    live.start();
    const stale = live.refresh();
    live.start(); // a new run while the old read is under way
    answer!({ events: [put(1, 2)], next: 5, dropped: 0, now: 2 });
    await stale;
    expect(shown).toEqual([]);
    const fresh = live.refresh();
    answer!({ events: [get(1, 1)], next: 1, dropped: 0, now: 2 });
    await fresh;
    expect(reads).toEqual([0, 0]); // the new run is read from its start
    expect(shown.at(-1)!.events).toBe(1);
  });

  it('reads once more after a read that was under way when the run ended', async () => {
    const answers: ((piece: TraceSince) => void)[] = [];
    const shown: TimelineUpdate[] = [];
    const live = new LiveTimeline(
      () => new Promise((resolve) => answers.push(resolve)),
      (update) => shown.push(update),
    );
    live.start();
    void live.refresh();
    const stopped = live.stop();
    answers[0]({ events: [put(1, 2)], next: 1, dropped: 0, now: 2 });
    await vi.waitFor(() => expect(answers.length).toBe(2));
    answers[1]({ events: [get(3, 1)], next: 2, dropped: 0, now: 4 });
    await stopped;
    expect(shown.at(-1)!.events).toBe(2);
  });

  it('keeps reading after a read that failed', async () => {
    vi.useFakeTimers();
    let reads = 0;
    const live = new LiveTimeline(
      async () => {
        reads += 1;
        if (reads === 1) throw new Error('kernel gone');
        return { events: [], next: 0, dropped: 0, now: 0 };
      },
      () => undefined,
    );
    live.start();
    await vi.advanceTimersByTimeAsync(REFRESH_MS);
    expect(reads).toBe(1);
    await vi.advanceTimersByTimeAsync(REFRESH_MS);
    expect(reads).toBe(2);
    await live.stop();
  });
});
