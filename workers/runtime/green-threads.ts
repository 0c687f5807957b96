/**
 * The JS half of green threads (the Python half is workers/python/procbox/green.py).
 *
 * A Python thread parks by calling `poll()` with no descriptors and a timeout of
 * `PARK_BASE | next << SLOT_BITS | slot`. Pyodide routes such a poll to `SOCKFS.pollAsync` and
 * suspends the calling stack on the promise it returns: the same suspension `run_sync` uses,
 * minus the asyncio Task it wraps around every call. Here that promise is the thread's parking
 * spot; resuming a thread resolves it.
 */
import { WakeUp, messageSoon } from './wake-up';
import type { PyodideAPI } from 'pyodide';
import type { PyCallable } from 'pyodide/ffi';
import type { SysError } from '../protocol/common';
import { Errno, PARK_BASE, PARK_READY, SLOT_BITS } from '../protocol/constants';
import type { LayerCalls, SchedulerBridge } from '../protocol/layer';
import type { QuietWatch } from './quiet-watch';

interface PollHook {
  pollAsync?: (fds: number, nfds: number, timeout: number) => Promise<number>;
}

export interface GreenThreads {
  /** What the Python scheduler calls (protocol/layer.ts). */
  bridge: SchedulerBridge;
  /** The kernel sent a signal: let the main thread see it if it waits in Python. */
  signalNotice(): void;
}

/** V8's structured stack traces (Chromium only, as JSPI is). */
interface CallSite {
  isAsync(): boolean;
  getFileName(): string | null;
}
interface V8ErrorConstructor {
  stackTraceLimit: number;
  prepareStackTrace?: (error: Error, sites: CallSite[]) => unknown;
  captureStackTrace(target: object): void;
}

/**
 * Whether a JavaScript frame lies between the caller and the entry of its task, where JSPI
 * cannot suspend. Pyodide's `can_run_sync()` misses some of these: the first time a kind of JS
 * value (a Uint8Array, an array, a mapping) becomes a JsProxy, Pyodide builds its type from a JS
 * conversion helper and runs `abc.register` in Python under it. Parking there throws a
 * SuspendError after Pyodide has handed the thread state back, and the unwinding task then
 * deletes the event loop's thread state: every later switch fails ("no thread state to hand
 * control back to").
 *
 * The frames above the first WebAssembly frame are this call's own; `async` frames lie outside
 * the task (it was resumed from the event loop). Any other frame between two WebAssembly frames
 * is JavaScript inside the task.
 */
function jsFrameInside(): boolean {
  const V8Error = Error as unknown as V8ErrorConstructor;
  const { stackTraceLimit, prepareStackTrace } = V8Error;
  const holder: { stack?: unknown } = {};
  let sites: CallSite[];
  V8Error.stackTraceLimit = Infinity;
  V8Error.prepareStackTrace = (_error, callSites) => callSites;
  try {
    V8Error.captureStackTrace(holder);
    sites = holder.stack as CallSite[]; // formatted on first access, so while prepared here
  } finally {
    V8Error.stackTraceLimit = stackTraceLimit;
    V8Error.prepareStackTrace = prepareStackTrace;
  }
  let inWasm = false;
  let jsBetween = false;
  for (const site of sites) {
    if (site.isAsync()) break;
    const file = site.getFileName() ?? '';
    if (file.endsWith('.wasm') || file.startsWith('wasm://')) {
      if (jsBetween) return true;
      inWasm = true;
    } else if (inWasm) {
      jsBetween = true;
    }
  }
  return false;
}

/** Who parks, and how, and who gets the CPU: every switch of threads passes here. */
export interface SwitchWatch {
  /** Thread `tid` parked: it only `yielded` the CPU, or it waits. */
  parked(tid: number, yielded: boolean): void;
  /** Thread `tid` has the CPU now, one of `threads`. */
  ran(tid: number, threads: number): void;
}

export function installGreenThreads(
  py: PyodideAPI,
  calls: LayerCalls,
  onError: (message: string) => void,
  quiet: QuietWatch,
  /** Switches of threads, for the Timeline (IpcObserver.parked and .ran). */
  switches: SwitchWatch = { parked: () => {}, ran: () => {} },
): GreenThreads {
  const tids = new Map<number, number>(); // by slot
  const parked = new Map<number, () => void>();
  const woken = new Set<number>(); // resumed before it parked: its next park returns at once
  const results = new Map<number, unknown>(); // by call id
  let lastCall = 0;
  let threadMain: PyCallable | null = null;
  let onSignalNotice: PyCallable | null = null;
  const turn = new MessageChannel();
  const soon: number[] = [];
  const timers = new Map<number, WakeUp>();
  let lastTimer = 0;
  const soonAfterEvents = messageSoon();

  // A name the protocol lacks fails in the caller, at once (tests/python checks them all).
  const layerCall = (name: string) => {
    if (!Object.hasOwn(calls, name)) throw new Error(`procbox: no layer call named ${name}`);
    return calls[name as keyof LayerCalls] as (...args: unknown[]) => Promise<unknown>;
  };

  /** Thread `slot` gets the CPU (every switch of threads comes here). */
  const wake = (slot: number) => {
    const tid = tids.get(slot);
    if (tid !== undefined) switches.ran(tid, tids.size);
    const resolve = parked.get(slot);
    if (resolve) {
      parked.delete(slot);
      quiet.active();
      resolve();
    } else {
      woken.add(slot);
    }
  };
  const resume = (slot: number) => {
    const waitingForTurn = soon.indexOf(slot);
    if (waitingForTurn >= 0) soon.splice(waitingForTurn, 1); // handed the CPU before its turn
    wake(slot);
  };

  const sockfs = (py as unknown as { _module: { SOCKFS: PollHook } })._module.SOCKFS;
  sockfs.pollAsync = (_fds, _nfds, timeout) => {
    // Any other empty poll keeps Emscripten's meaning: nothing to wait for, return now.
    if (timeout < PARK_BASE) return Promise.resolve(0);
    const code = timeout - PARK_BASE;
    const slot = code & ((1 << SLOT_BITS) - 1);
    const next = (code & ~PARK_READY) >>> SLOT_BITS;
    const parker = tids.get(slot);
    // A thread resumed before it parked goes on at once: it never left the CPU.
    if (parker !== undefined && !woken.has(slot)) {
      switches.parked(parker, (code & PARK_READY) !== 0);
    }
    if (next) resume(next);
    if (woken.delete(slot)) return Promise.resolve(0);
    if (!next) quiet.idle();
    return new Promise<number>((resolve) => parked.set(slot, () => resolve(0)));
  };

  turn.port1.onmessage = () => {
    // Timers due by now go first: the task queues are not one FIFO, and a turn that resumed a
    // busy thread before a due timer ran would leave its sleeper waiting for the next turn.
    const now = performance.now();
    const due = [...timers.values()].filter((wakeUp) => wakeUp.due <= now);
    for (const wakeUp of due.sort((a, b) => a.due - b.due)) wakeUp.fire();
    const slot = soon.shift();
    if (slot !== undefined) wake(slot);
  };

  const bridge: SchedulerBridge = {
    bindScheduler(main, notice) {
      threadMain = main;
      onSignalNotice = notice;
    },
    resume,
    threadSlot: (slot, tid) => void (tid ? tids.set(slot, tid) : tids.delete(slot)),
    startThread(slot) {
      if (!threadMain) throw new Error('scheduler not bound');
      quiet.active();
      (threadMain.callPromising(slot) as Promise<unknown>).catch((error: unknown) =>
        onError(`thread ${slot} failed: ${String(error)}`),
      );
    },
    callFor(slot, name, ...args) {
      const call = layerCall(name);
      const id = ++lastCall;
      void Promise.resolve()
        .then(() => call(...args))
        .then(
          (value) => results.set(id, value),
          // The kernel's channel failed: an I/O error, as Linux reports a device gone away.
          () => results.set(id, { errno: Errno.EIO } satisfies SysError),
        )
        .then(() => resume(slot));
      return id;
    },
    tell(name, ...args) {
      const call = layerCall(name);
      void Promise.resolve()
        .then(() => call(...args))
        .catch(() => {}); // a channel gone away: the process is ending
    },
    hasResult: (id) => results.has(id),
    takeResult(id) {
      const value = results.get(id);
      results.delete(id);
      return value;
    },
    wakeAfter(slot, ms) {
      const id = ++lastTimer;
      const wake = () => (timers.delete(id), resume(slot));
      timers.set(id, new WakeUp(performance.now() + ms, wake, soonAfterEvents));
      return id;
    },
    cancelWake(id) {
      timers.get(id)?.cancel();
      timers.delete(id);
    },
    wakeSoon(slot) {
      soon.push(slot);
      turn.port2.postMessage(0);
    },
    jsFrameInside,
  };
  return { bridge, signalNotice: () => void onSignalNotice?.() };
}
