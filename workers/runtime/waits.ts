/**
 * A process's waits on shared memory (pipe rings, semaphores), which a signal cuts short: the
 * main thread must get back to Python to run its handler, as a blocking call returns EINTR.
 */

import { messageSoon, wakeAfter } from './wake-up';

/** A blocking wait ends at least this often, so no waiter is parked forever on a lost object. */
export const MAX_WAIT_MS = 1000;

export class InterruptibleWaits {
  readonly #pending = new Set<() => void>();
  readonly #soon = messageSoon();

  /** Resolves when `wait` does, after `timeoutMs` (negative: never), or at `interrupt()`. The
   * timeout is kept to the millisecond: select(0.001) in a loop must not take 4 ms a turn. */
  wait(wait: Promise<void>, timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = timeoutMs >= 0 ? wakeAfter(timeoutMs, this.#soon) : null;
      const done = () => {
        this.#pending.delete(done);
        timer?.cancel();
        resolve();
      };
      this.#pending.add(done);
      void wait.then(done);
      void timer?.done.then(done);
    });
  }

  /** Ends every wait now (a signal arrived). */
  interrupt(): void {
    for (const done of [...this.#pending]) done();
  }
}

/** How long one `Atomics.waitAsync` may last for a wait of `timeoutMs` (negative: forever). */
export const capped = (timeoutMs: number): number =>
  timeoutMs < 0 ? MAX_WAIT_MS : Math.min(timeoutMs, MAX_WAIT_MS);
