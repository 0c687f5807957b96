/** The signal system calls of one process (protocol/process.ts `SignalSyscalls`). */
import type { Reply } from '../protocol/common';
import { Disposition, type DispositionValue, Errno, ITimer } from '../protocol/constants';
import type { SignalSyscalls } from '../protocol/process';
import type { ProcessRecord } from './process-table';
import { SIG_SETMASK, isSignal } from './signals';

const EINVAL = { errno: Errno.EINVAL } as const;
const EINTR = { errno: Errno.EINTR } as const;
const isDisposition = (d: unknown): d is DispositionValue =>
  d === Disposition.DEFAULT || d === Disposition.IGNORE || d === Disposition.HANDLE;
const isTimer = (w: unknown): w is number =>
  w === ITimer.REAL || w === ITimer.VIRTUAL || w === ITimer.PROF;
const isSeconds = (s: unknown): s is number => typeof s === 'number' && s >= 0 && s <= 100_000_000;

/** What the calls need of the kernel. */
export interface SignalKernel {
  signal(from: number | null, to: number, signal: number): unknown;
  deliver(target: ProcessRecord, signal: number): void;
}

/** `block(what, until)` waits on behalf of the process; true when a signal cut it short. */
export function signalCallsFor(
  kernel: SignalKernel,
  self: ProcessRecord,
  block: (what: string, until: Promise<unknown>) => Promise<boolean>,
): SignalSyscalls {
  const { signals } = self;
  return {
    async sigaction(signal, disposition) {
      if (!isSignal(signal) || !isDisposition(disposition)) return EINVAL;
      signals.setDisposition(signal, disposition);
      return 0;
    },
    async sigmask(how, mask) {
      if (!Number.isInteger(how) || how < 0 || how > SIG_SETMASK || !Number.isInteger(mask)) {
        return EINVAL;
      }
      const { old, unblocked } = signals.setMask(how, mask);
      for (const signal of unblocked) kernel.deliver(self, signal);
      return old;
    },
    sigpending: async () => signals.pending,
    async sigwait(mask): Reply<number> {
      if (!Number.isInteger(mask) || mask === 0) return EINVAL;
      const now = signals.wait(mask);
      if (typeof now === 'number') return now;
      const interrupted = await block('sigwait', now.signal);
      now.cancel();
      return interrupted ? EINTR : now.signal;
    },
    async pause() {
      await block('pause', new Promise(() => {}));
      return EINTR;
    },
    async setitimer(which, value, interval) {
      if (!isTimer(which) || !isSeconds(value) || !isSeconds(interval)) return EINVAL;
      return signals.setTimer(which, value, interval, (signal) =>
        kernel.signal(self.pid, self.pid, signal),
      );
    },
    getitimer: async (which) => (isTimer(which) ? signals.getTimer(which) : EINVAL),
  };
}
