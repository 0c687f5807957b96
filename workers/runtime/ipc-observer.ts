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
  let lastRunner: number | null = null;
  /** Threads whose last park was a wait, not a yield, and that have not run since. */
  const waiting = new Set<number>();
  /** `waiting` as records carry it: made again only after it changed (switches are hot). */
  let waits: number[] = [];
  let waitsChanged = false;
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
    /** Thread `tid` parked: it only `yielded` the CPU (it is ready for its turn), or waits. */
    parked(tid: number, yielded: boolean) {
      // The next switch says so.
      if (yielded) {
        if (waiting.delete(tid)) waitsChanged = true;
      } else if (!waiting.has(tid)) {
        waiting.add(tid);
        waitsChanged = true;
      }
    },
    /** Thread `tid` got the CPU, one of `threads`. A switch is recorded (as a `run` of the GIL,
     * with the threads that wait) when the process has threads to switch between and another
     * had the CPU, at most one each RUN_GRAIN_MS, naming the last to get it then. Costs no
     * message of its own. */
    ran(tid: number, threads: number) {
      if (waiting.delete(tid)) waitsChanged = true;
      if (threads < 2 || tid === lastRunner) return;
      lastRunner = tid;
      if (waitsChanged) {
        waits = [...waiting];
        waitsChanged = false;
      }
      const at = performance.timeOrigin + performance.now();
      if (lastRun && at - lastRun.at < RUN_GRAIN_MS) {
        lastRun.tid = tid;
        lastRun.waits = waits;
      } else add((lastRun = { at, tid, op: 'run', object: 'GIL', waits }));
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
