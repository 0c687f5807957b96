/**
 * What the kernel learns of a process's multiprocessing objects without being on their fast
 * path: their names, the operations on them (for the trace), and which thread is blocked on
 * which (for the process list). Operations go in batches, and a wait is reported only once it
 * has lasted a moment, so an uncontended put or acquire still sends no message of its own.
 */
import type { IpcObserverCalls, IpcOp, IpcOpName } from '../protocol/ipc';

/** Operations are sent at least this often, and at once when this many are waiting. */
const FLUSH_MS = 25;
const FLUSH_COUNT = 512;
/** A wait shorter than this never shows in the process list. */
const REPORT_WAIT_AFTER_MS = 10;
/** Switches of threads closer than this are one: the last thread to get the CPU in it. */
const RUN_GRAIN_MS = 0.5;

export function makeIpcObserver(kernel: IpcObserverCalls) {
  let batch: IpcOp[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** The last switch recorded, while still in the batch, and whose it was. */
  let lastRun: IpcOp | null = null;
  /** Who had the CPU before `lastRun` (the Timeline's previous runner for that record). */
  let lastRunFrom: number | null = null;
  let lastRunner: number | null = null;

  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (batch.length === 0) return;
    kernel.ipcOps(batch);
    batch = [];
    lastRun = null;
  };
  const add = (op: IpcOp) => {
    batch.push(op);
    if (batch.length >= FLUSH_COUNT) flush();
    else timer ??= setTimeout(flush, FLUSH_MS);
  };

  return {
    flush,
    op(op: IpcOpName, tid: number, object: number | string, bytes?: number, site?: string) {
      if (typeof object === 'number' && object <= 0) return;
      add({ at: performance.timeOrigin + performance.now(), tid, op, object, bytes, site });
    },
    /** Thread `tid` got the CPU, one of `threads`; the one that had it `yielded` (it stays
     * ready) or waits. A switch is recorded (as a `run` of the GIL) when the process has
     * threads to switch between and another had the CPU, at most one each RUN_GRAIN_MS, naming
     * the last to get it then. Costs no message of its own. */
    ran(tid: number, threads: number, yielded: boolean) {
      if (threads < 2 || tid === lastRunner) return;
      const leaving = lastRunner;
      lastRunner = tid;
      const at = performance.timeOrigin + performance.now();
      if (lastRun && at - lastRun.at < RUN_GRAIN_MS) {
        lastRun.tid = tid;
        // The record says how its previous runner left the CPU: the last time it did.
        if (leaving === lastRunFrom) lastRun.yielded = yielded;
      } else {
        lastRunFrom = leaving;
        add((lastRun = { at, tid, op: 'run', object: 'GIL', yielded }));
      }
    },
    label: (kind: string, objects: number[]) => kernel.ipcLabel(kind, objects),
    /** Shows `tid` as waiting on `objects` while `wait` lasts, if it lasts long enough. */
    waiting<T>(tid: number, objects: number[], wait: Promise<T>): Promise<T> {
      if (objects.length === 0) return wait;
      let shown = false;
      const show = setTimeout(() => {
        shown = true;
        kernel.ipcWaiting(tid, objects);
      }, REPORT_WAIT_AFTER_MS);
      return wait.finally(() => {
        clearTimeout(show);
        if (shown) kernel.ipcWaiting(tid, null);
      });
    },
  };
}

export type IpcObserver = ReturnType<typeof makeIpcObserver>;
