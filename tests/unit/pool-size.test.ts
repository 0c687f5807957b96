import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  HeldTeardowns,
  PoolRefill,
  StartingProcesses,
  WarmPoolSize,
} from '../../workers/kernel/pool-size';

describe('WarmPoolSize', () => {
  it('grows to the most processes run at once, up to its most, booted once nothing runs', () => {
    const size = new WarmPoolSize(2, 8, 60_000);
    expect(size.target(0, 0)).toBe(2);
    for (let running = 1; running <= 5; running++) size.launched(running, running);
    expect(size.target(10, 5)).toBe(2); // a program runs: only the usual pool refills
    expect(size.target(20, 0)).toBe(5); // it ended: ready for it to run again
    for (let running = 1; running <= 20; running++) size.launched(30, running);
    expect(size.target(40, 0)).toBe(8);
  });

  it('does not grow for processes started one after another', () => {
    const size = new WarmPoolSize(2, 8, 60_000);
    for (let i = 0; i < 10; i++) size.launched(i * 100, 2); // a parent and one command at a time
    expect(size.target(1_000, 0)).toBe(2);
  });

  it('goes back to its usual size after a while without starts', () => {
    const size = new WarmPoolSize(2, 8, 60_000);
    size.launched(0, 6);
    expect(size.target(59_000, 0)).toBe(6);
    expect(size.target(60_000, 0)).toBe(2);
    size.launched(70_000, 1);
    expect(size.target(70_001, 0)).toBe(2);
  });
});

describe('StartingProcesses', () => {
  it("holds an empty pool's refill until the processes just started are all up", () => {
    const starting = new StartingProcesses();
    let refills = 0;
    const first = starting.begin();
    const second = starting.begin();
    starting.whenAllUp(() => refills++);
    expect(refills).toBe(0); // the burst's last children still copy their memory in
    first();
    first(); // said twice (its first call, then its end): counted once
    expect(refills).toBe(0);
    second();
    expect(refills).toBe(1);
    starting.begin()();
    expect(refills).toBe(1); // released once
  });

  it('refills at once when nothing is starting, and not again once refilled another way', () => {
    const starting = new StartingProcesses();
    let refills = 0;
    starting.whenAllUp(() => refills++);
    expect(refills).toBe(1);
    const up = starting.begin();
    starting.whenAllUp(() => refills++);
    starting.cancel(); // the pool's timer refilled it meanwhile
    up();
    expect(refills).toBe(1);
  });
});

describe('HeldTeardowns', () => {
  it('ends workers once no process has started for a moment, at most a second after', () => {
    vi.useFakeTimers();
    try {
      let now = 0;
      const teardowns = new HeldTeardowns(() => now);
      const ended: string[] = [];
      const advance = (ms: number) => {
        now += ms;
        vi.advanceTimersByTime(ms);
      };
      teardowns.started();
      teardowns.hold(() => ended.push('first child'));
      advance(200);
      teardowns.started(); // the burst goes on
      advance(200);
      expect(ended).toEqual([]);
      advance(100); // 300 ms without a start
      expect(ended).toEqual(['first child']);
      teardowns.started();
      teardowns.hold(() => ended.push('second child'));
      for (let i = 0; i < 9; i++) {
        advance(100);
        teardowns.started(); // starts without end
      }
      expect(ended).toHaveLength(1);
      advance(100); // a second after it was held
      expect(ended).toEqual(['first child', 'second child']);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('HeldTeardowns, many at once', () => {
  it('holds at most eight: a program that starts and ends processes without pause', () => {
    const teardowns = new HeldTeardowns(() => 0);
    const ended: number[] = [];
    teardowns.started();
    for (let i = 0; i < 10; i++) teardowns.hold(() => ended.push(i));
    expect(ended).toEqual([0, 1]); // the oldest, at once
  });
});

describe('StartingProcesses, a start that says nothing', () => {
  it('refills at most a second later', () => {
    vi.useFakeTimers();
    try {
      const starting = new StartingProcesses();
      let refills = 0;
      starting.begin(); // a child that computes a long while before its first call
      starting.whenAllUp(() => refills++);
      vi.advanceTimersByTime(999);
      expect(refills).toBe(0);
      vi.advanceTimersByTime(1);
      expect(refills).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('PoolRefill', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('refills a moment after each start is up, however soon the next start comes', () => {
    const refills: number[] = [];
    const pool = new PoolRefill(() => refills.push(Date.now()), 100);
    const t0 = Date.now();
    for (let start = 0; start < 3; start++) {
      const up = pool.begin();
      pool.soon(false);
      vi.advanceTimersByTime(10);
      up(); // its first call
      vi.advanceTimersByTime(190); // the next start, 200 ms after this one
    }
    // One refill per start, each 100 ms after that start was up: none waits for the pool to
    // empty (a refill put off by every start, the pool of two would be empty at the third).
    expect(refills.map((at) => at - t0)).toEqual([110, 310, 510]);
  });

  it('refills an emptied pool as soon as the starts are up, and once only', () => {
    let refills = 0;
    const pool = new PoolRefill(() => (refills += 1), 100);
    const ups = [pool.begin(), pool.begin()];
    pool.soon(false);
    pool.soon(true); // the burst took the last worker
    ups[0]();
    expect(refills).toBe(0);
    ups[1]();
    expect(refills).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(refills).toBe(1);
  });

  it('waits for nothing once the pool was refilled another way', () => {
    let refills = 0;
    const pool = new PoolRefill(() => (refills += 1), 100);
    pool.begin()();
    pool.soon(false);
    pool.cancel();
    vi.advanceTimersByTime(1000);
    expect(refills).toBe(0);
  });
});
