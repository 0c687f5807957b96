/**
 * Signals as Linux delivers them: each process's dispositions (default, ignored, handled in
 * Python), its blocked mask and the blocked signals pending, `sigwait`'s waiters, and its
 * interval timers (`alarm`, `setitimer`). The kernel decides here what a signal does; the
 * handlers themselves run in the process (procbox/signals.py).
 */
import {
  Disposition,
  type DispositionValue,
  ITimer,
  SIGNAL_MAX,
  Signal,
} from '../protocol/constants';

export type DefaultAction = 'terminate' | 'ignore' | 'stop' | 'continue';

const IGNORED_BY_DEFAULT: number[] = [Signal.SIGCHLD, Signal.SIGURG, Signal.SIGWINCH];
const STOPPING: number[] = [Signal.SIGSTOP, Signal.SIGTSTP, Signal.SIGTTIN, Signal.SIGTTOU];

/** signal(7)'s default action ("core" ends the process as "term" does). */
export function defaultAction(signal: number): DefaultAction {
  if (IGNORED_BY_DEFAULT.includes(signal)) return 'ignore';
  if (STOPPING.includes(signal)) return 'stop';
  if (signal === Signal.SIGCONT) return 'continue';
  return 'terminate';
}

/** SIGKILL and SIGSTOP cannot be caught, ignored or blocked. */
export const uncatchable = (signal: number) =>
  signal === Signal.SIGKILL || signal === Signal.SIGSTOP;

export const isSignal = (n: unknown): n is number =>
  Number.isInteger(n) && (n as number) >= 1 && (n as number) <= SIGNAL_MAX;

/** What CPython sets up as it starts: SIGINT raises KeyboardInterrupt; SIGPIPE and SIGXFSZ are
 * ignored (so a write to a closed pipe raises BrokenPipeError). */
function pythonAtStart(): Map<number, DispositionValue> {
  return new Map<number, DispositionValue>([
    [Signal.SIGINT, Disposition.HANDLE],
    [Signal.SIGPIPE, Disposition.IGNORE],
    [Signal.SIGXFSZ, Disposition.IGNORE],
  ]);
}

const TIMER_SIGNAL: Record<number, number> = {
  [ITimer.REAL]: Signal.SIGALRM,
  [ITimer.VIRTUAL]: Signal.SIGVTALRM,
  [ITimer.PROF]: Signal.SIGPROF,
};

interface IntervalTimer {
  due: number;
  intervalMs: number;
  timer: ReturnType<typeof setTimeout>;
}

/** One process's signal state. */
export class ProcessSignals {
  /** Signals blocked (`pthread_sigmask`), as bits; they wait in `pending`. */
  blocked = 0;
  pending = 0;
  private readonly waiters = new Set<{ mask: number; take: (signal: number) => void }>();
  private readonly timers = new Map<number, IntervalTimer>();

  /** A forked child inherits its parent's dispositions and mask; a spawned one (exec) starts as
   * Python starts, keeping only what the parent ignores and its mask, as execve does. */
  constructor(
    private readonly now: () => number,
    from: ProcessSignals | null = null,
    fork = false,
  ) {
    this.dispositions = pythonAtStart();
    if (from) {
      this.blocked = from.blocked;
      for (const [signal, d] of from.dispositions) {
        if (fork || d === Disposition.IGNORE) this.dispositions.set(signal, d);
      }
    }
  }

  private readonly dispositions: Map<number, DispositionValue>;

  disposition(signal: number): DispositionValue {
    return this.dispositions.get(signal) ?? Disposition.DEFAULT;
  }

  setDisposition(signal: number, disposition: DispositionValue): void {
    if (uncatchable(signal)) return;
    this.dispositions.set(signal, disposition);
  }

  /** Whether a signal that is ignored by default would be seen here: it is handled, or blocked
   * (for `sigwait`). The kernel sends SIGCHLD and SIGWINCH only then, to keep the trace quiet. */
  wants(signal: number): boolean {
    return this.disposition(signal) === Disposition.HANDLE || (this.blocked & (1 << signal)) !== 0;
  }

  /** A blocked signal waits; a sigwait for it takes it at once. Returns false when it is not
   * blocked and must be delivered now. */
  holdIfBlocked(signal: number): boolean {
    const bit = 1 << signal;
    if (!(this.blocked & bit) || uncatchable(signal)) return false;
    for (const waiter of this.waiters) {
      if (waiter.mask & bit) {
        this.waiters.delete(waiter);
        waiter.take(signal);
        return true;
      }
    }
    this.pending |= bit;
    return true;
  }

  /** sigprocmask(2): returns the old mask and the pending signals it unblocked. */
  setMask(how: number, mask: number): { old: number; unblocked: number[] } {
    const old = this.blocked;
    const catchable = mask & ~((1 << Signal.SIGKILL) | (1 << Signal.SIGSTOP));
    if (how === SIG_BLOCK) this.blocked |= catchable;
    else if (how === SIG_UNBLOCK) this.blocked &= ~catchable;
    else this.blocked = catchable;
    const unblocked = bits(this.pending & ~this.blocked);
    this.pending &= this.blocked;
    return { old, unblocked };
  }

  /** sigwait(3): a pending signal of `mask` now, or a promise of the next one. */
  wait(mask: number): number | { signal: Promise<number>; cancel: () => void } {
    const ready = bits(this.pending & mask)[0];
    if (ready !== undefined) {
      this.pending &= ~(1 << ready);
      return ready;
    }
    let waiter!: { mask: number; take: (signal: number) => void };
    const signal = new Promise<number>((take) => (waiter = { mask, take }));
    this.waiters.add(waiter);
    return { signal, cancel: () => this.waiters.delete(waiter) };
  }

  /** setitimer(2): arms timer `which` (0 disarms); returns the old [value, interval], in s. */
  setTimer(
    which: number,
    valueS: number,
    intervalS: number,
    fire: (signal: number) => void,
  ): [number, number] {
    const old = this.getTimer(which);
    const current = this.timers.get(which);
    if (current) clearTimeout(current.timer);
    this.timers.delete(which);
    if (valueS > 0) this.arm(which, valueS * 1000, intervalS * 1000, fire);
    return old;
  }

  /** Whether an interval timer (`alarm`, `setitimer`) is armed: its signal may wake a wait. */
  get timerArmed(): boolean {
    return this.timers.size > 0;
  }

  /** getitimer(2): the time left and the interval, in seconds. */
  getTimer(which: number): [number, number] {
    const t = this.timers.get(which);
    if (!t) return [0, 0];
    return [Math.max(0, t.due - this.now()) / 1000, t.intervalMs / 1000];
  }

  private arm(which: number, ms: number, intervalMs: number, fire: (signal: number) => void) {
    const timer = setTimeout(() => {
      this.timers.delete(which);
      if (intervalMs > 0) this.arm(which, intervalMs, intervalMs, fire);
      fire(TIMER_SIGNAL[which]);
    }, ms);
    this.timers.set(which, { due: this.now() + ms, intervalMs, timer });
  }

  /** The process ended: its timers stop and its sigwaits end. */
  close(): void {
    for (const t of this.timers.values()) clearTimeout(t.timer);
    this.timers.clear();
    this.waiters.clear();
  }
}

/** sigprocmask's `how`, as Linux numbers it. */
export const SIG_BLOCK = 0;
export const SIG_UNBLOCK = 1;
export const SIG_SETMASK = 2;

function bits(mask: number): number[] {
  const out: number[] = [];
  for (let s = 1; s <= SIGNAL_MAX; s++) if (mask & (1 << s)) out.push(s);
  return out;
}
