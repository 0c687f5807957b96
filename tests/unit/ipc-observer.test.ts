import { afterEach, describe, expect, it, vi } from 'vitest';
import type { IpcOp } from '../../workers/protocol/ipc';
import { makeIpcObserver } from '../../workers/runtime/ipc-observer';

afterEach(() => vi.useRealTimers());

function observer() {
  const sent: IpcOp[][] = [];
  const watch = makeIpcObserver({
    ipcLabel: () => {},
    ipcOps: (ops) => sent.push(ops),
    ipcWaiting: () => {},
  });
  return { watch, sent, ops: () => sent.flat().map(({ op, tid }) => `${op} ${tid}`) };
}

describe('switches of threads, for the Timeline', () => {
  it('are recorded only where there are threads to switch between, and another had the CPU', () => {
    vi.useFakeTimers();
    const { watch, ops, sent } = observer();
    watch.ran(1, 1, true); // one thread: nothing to show
    watch.ran(1, 2, true);
    watch.ran(1, 2, true); // the same thread again
    vi.advanceTimersByTime(1);
    watch.ran(2, 2, false); // 1 waits now, not merely yields
    watch.flush();
    expect(ops()).toEqual(['run 1', 'run 2']);
    expect(sent.flat().map((op) => op.yielded)).toEqual([true, false]);
  });

  it('closer together than half a millisecond are one, naming the last to get the CPU', () => {
    vi.useFakeTimers();
    const { watch, ops } = observer();
    for (let i = 0; i < 100; i++) watch.ran(i % 2 === 0 ? 1 : 2, 2, true); // a fast ping-pong
    vi.advanceTimersByTime(1);
    watch.ran(1, 2, true);
    watch.flush();
    expect(ops()).toEqual(['run 2', 'run 1']);
  });

  it('say how the previous runner last left the CPU, when switches are merged', () => {
    vi.useFakeTimers();
    const { watch, ops, sent } = observer();
    watch.ran(1, 3, true); // the main thread (1) runs
    vi.advanceTimersByTime(1);
    // Within one grain: 1 yields to 2, 2 yields back, then 1 waits in join() and 3 runs.
    watch.ran(2, 3, true);
    watch.ran(1, 3, true);
    watch.ran(3, 3, false);
    watch.flush();
    expect(ops()).toEqual(['run 1', 'run 3']);
    // Without this, the merged switch said 1 only yielded, and 1 was drawn ready, not waiting.
    expect(sent.flat().map((op) => op.yielded)).toEqual([true, false]);
  });
});
