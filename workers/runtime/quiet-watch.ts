/**
 * Tells the kernel when this process can do nothing more by itself: every thread has stayed
 * parked for `QUIET_MS`, each waiting, untimed, on another thread or process. The kernel's
 * deadlock detector (kernel/deadlock.ts) decides from all processes' answers at once. A report
 * is withdrawn as soon as a thread runs again.
 *
 * The hot path is a timestamp per resume and a timer test per park that leaves no thread
 * running.
 */
import type { StuckThread } from '../protocol/deadlock';

export const QUIET_MS = 250;

export interface QuietWatch {
  /** A thread runs (resumed, started). */
  active(): void;
  /** A thread parked and left none running. */
  idle(): void;
}

export function makeQuietWatch(
  /** procbox/stuck.py `report`: JSON, or null while something here can still happen. */
  report: () => string | null | undefined,
  tell: (threads: StuckThread[] | null) => void,
): QuietWatch {
  let lastActive = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let told = false;

  const check = () => {
    timer = undefined;
    const left = lastActive + QUIET_MS - performance.now();
    if (left > 0) {
      timer = setTimeout(check, left);
      return;
    }
    const json = report();
    // None arrives as undefined. A timed wait, or a peer outside: its end parks again.
    if (json === null || json === undefined) return;
    told = true;
    const threads = JSON.parse(json) as StuckThread[];
    const now = performance.timeOrigin + performance.now();
    for (const { wait } of threads) {
      if (typeof wait.ago === 'number') wait.since = now - wait.ago;
      delete wait.ago;
    }
    tell(threads);
  };

  return {
    active() {
      lastActive = performance.now();
      if (told) {
        told = false;
        tell(null);
      }
    },
    idle() {
      timer ??= setTimeout(check, QUIET_MS);
    },
  };
}
