/**
 * A counting semaphore in the IPC arena, as POSIX `sem_t`: any process holding it may post or
 * wait, and a count taken by a process that dies stays taken (a lock it held stays held).
 */
import { Sem } from '../protocol/ipc';

const index = (sem: number) => sem >> 2;

/** sem_trywait: takes one unit if there is one. */
export function semTryAcquire(words: Int32Array, sem: number): boolean {
  const at = index(sem) + Sem.VALUE;
  for (;;) {
    const value = Atomics.load(words, at);
    if (value <= 0) return false;
    if (Atomics.compareExchange(words, at, value, value - 1) === value) return true;
  }
}

/** sem_post. Returns the value before the post. */
export function semRelease(words: Int32Array, sem: number): number {
  const at = index(sem) + Sem.VALUE;
  const before = Atomics.add(words, at, 1);
  if (Atomics.load(words, index(sem) + Sem.WAITERS) > 0) Atomics.notify(words, at);
  return before;
}

export function semValue(words: Int32Array, sem: number): number {
  return Math.max(0, Atomics.load(words, index(sem) + Sem.VALUE));
}

export function semInit(words: Int32Array, sem: number, value: number): void {
  Atomics.store(words, index(sem) + Sem.VALUE, value);
  Atomics.store(words, index(sem) + Sem.WAITERS, 0);
}

/**
 * Resolves once the semaphore may have a unit (its value changed from zero) or after
 * `timeoutMs`; the caller tries again. It never takes the unit itself, so a cancelled waiter
 * loses nothing.
 */
export async function semWaitChange(
  words: Int32Array,
  sem: number,
  timeoutMs: number,
): Promise<void> {
  const at = index(sem) + Sem.VALUE;
  Atomics.add(words, index(sem) + Sem.WAITERS, 1);
  try {
    const wait = Atomics.waitAsync(words, at, 0, timeoutMs);
    if (wait.async) await wait.value;
  } finally {
    Atomics.sub(words, index(sem) + Sem.WAITERS, 1);
  }
}
