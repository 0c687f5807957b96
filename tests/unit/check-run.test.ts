import { describe, expect, it } from 'vitest';
import { MAX_CHECK_OUTPUT_CHARS, RunWatch } from '../../src/lessons/check-run';
import type { ProcessInfo } from '../../workers/protocol/kernel';

const proc = (pid: number, exitCode: number | null): ProcessInfo => ({
  pid,
  ppid: 0,
  pgid: pid,
  name: 'main.py',
  state: exitCode === null ? 'running' : 'exited',
  waitingOn: null,
  exitCode,
  threads: [],
  sockets: [],
});

describe('RunWatch', () => {
  it('keeps output only for a check run, and no more than its cap', () => {
    const watch = new RunWatch();
    watch.output([{ pid: 1, fd: 1, text: 'before\n' }]);
    const kept = watch.collect();
    watch.output([{ pid: 1, fd: 1, text: 'a\n' }]);
    const flood = 'x'.repeat(1 << 20);
    for (let i = 0; i < 8; i++) watch.output([{ pid: 1, fd: 1, text: flood }]);
    expect(kept[0].text).toBe('a\n');
    expect(kept.reduce((n, c) => n + c.text.length, 0)).toBeLessThanOrEqual(MAX_CHECK_OUTPUT_CHARS);
    expect(kept.length).toBe(4); // 'a\n' and three whole megabytes
  });

  it('resolves an exit code when the process table reports it, and lists the living', async () => {
    const watch = new RunWatch();
    const code = watch.exitCode(2);
    watch.processes([proc(1, null), proc(2, null)]);
    expect(watch.alive()).toEqual([1, 2]);
    watch.processes([proc(1, null), proc(2, 3)]);
    expect(await code).toBe(3);
    expect(watch.alive()).toEqual([1]);
  });
});
