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
    watch.ran(1, 1); // one thread: nothing to show
    watch.ran(1, 2);
    watch.ran(1, 2); // the same thread again
    vi.advanceTimersByTime(1);
    watch.parked(1, false); // 1 waits now, not merely yields
    watch.ran(2, 2);
    watch.flush();
    expect(ops()).toEqual(['run 1', 'run 2']);
    expect(sent.flat().map((op) => op.waits)).toEqual([[], [1]]);
  });

  it('go on when a switch fills the batch (which sends it)', () => {
    vi.useFakeTimers();
    const { watch, sent } = observer();
    for (let i = 0; i < 511; i++) watch.op('put', 1, 5);
    watch.ran(1, 2);
    watch.ran(2, 2); // a new batch
    watch.flush();
    expect(sent.map((batch) => batch.length)).toEqual([512, 1]);
    expect(sent[0][511]).toMatchObject({ op: 'run', tid: 1, waits: [] });
  });

  it('closer together than half a millisecond are one, naming the last to get the CPU', () => {
    vi.useFakeTimers();
    const { watch, ops } = observer();
    for (let i = 0; i < 100; i++) watch.ran(i % 2 === 0 ? 1 : 2, 2); // a fast ping-pong
    vi.advanceTimersByTime(1);
    watch.ran(1, 2);
    watch.flush();
    expect(ops()).toEqual(['run 2', 'run 1']);
  });

  it('name the threads that wait as each switch leaves them, merged or not', () => {
    vi.useFakeTimers();
    const { watch, ops, sent } = observer();
    watch.ran(2, 3); // a thread started by the main thread (1) runs
    vi.advanceTimersByTime(1);
    // Within one grain: 2 yields, 1 runs, waits in join(), and 3 runs.
    watch.parked(2, true);
    watch.ran(1, 3);
    watch.parked(1, false);
    watch.ran(3, 3);
    vi.advanceTimersByTime(1);
    watch.parked(3, true);
    watch.ran(2, 3); // 1 still waits
    watch.flush();
    expect(ops()).toEqual(['run 2', 'run 3', 'run 2']);
    expect(sent.flat().map((op) => op.waits)).toEqual([[], [1], [1]]);
  });
});
