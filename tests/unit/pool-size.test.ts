import { describe, expect, it } from 'vitest';
import { WarmPoolSize } from '../../workers/kernel/pool-size';

describe('WarmPoolSize', () => {
  it('grows to the largest burst of starts, up to its most', () => {
    const size = new WarmPoolSize(2, 8, 1_000, 60_000);
    expect(size.target(0)).toBe(2);
    expect(size.launched(0)).toBe(2); // one start: the usual pool serves it
    for (let i = 1; i <= 4; i++) size.launched(10 * i);
    expect(size.target(100)).toBe(5); // five starts within the burst gap
    for (let i = 0; i < 20; i++) size.launched(200 + i);
    expect(size.target(300)).toBe(8);
  });

  it('keeps its size across starts spread out, and shrinks after a while without any', () => {
    const size = new WarmPoolSize(2, 8, 1_000, 60_000);
    for (let i = 0; i < 6; i++) size.launched(i);
    expect(size.launched(5_000)).toBe(6); // a lone start later: the size stays
    expect(size.target(64_000)).toBe(6);
    expect(size.target(65_000)).toBe(2);
    expect(size.launched(70_000)).toBe(2);
  });
});
