/**
 * Deadlock detection's types, on both of its boundaries: what a quiet process tells the kernel
 * of its threads (`procbox/stuck.py` → `runtime/quiet-watch.ts` → `Syscalls.quiet`), and what
 * the kernel finds (`KernelObserver.deadlock`, the trace's `deadlock` event).
 */
import type { Pid } from './common';

/** What a thread waits for, with no timeout, while its process can do nothing by itself.
 * `line` is the program's own line that waits (`main.py:12`), when there is one; `since` when
 * the wait began (the clock all workers share: `performance.timeOrigin + performance.now()`;
 * Python's report says how long `ago`, which the worker turns into `since`). */
export type StuckWait = (
  | /** A threading lock; `holder`: the TID that took it, when the lock is the program's. */
    { kind: 'lock'; object: string; holder: Pid | null }
    /** Another thread's end (`Thread.join`). */
  | { kind: 'join'; tid: Pid }
  /** Elsewhere in Python (`threading.Event.wait()`): no one known is bound to end it. */
  | { kind: 'python'; object: string }
  /** A multiprocessing lock or semaphore: its place in the IPC arena. */
  | { kind: 'sem'; sem: number }
  /** Descriptors to become readable or writable (pipes: `Connection.recv`, a full Queue). */
  | { kind: 'fds'; fds: number[]; events: number[] }
  /** waitpid: a child's exit (-1: any child). */
  | { kind: 'child'; pid: Pid }
) & { line: string | null; since?: number; ago?: number };

export interface StuckThread {
  tid: Pid;
  wait: StuckWait;
}

/** What a deadlocked thread waits for: a threading `lock`, a multiprocessing lock or semaphore
 * (`sem`), a thread's end (`join`), a process's exit (`child`), an empty or a full pipe or
 * Queue (`read`, `write`), or something in Python no thread is bound to end (`python`). */
export type DeadlockWait = 'lock' | 'sem' | 'join' | 'child' | 'read' | 'write' | 'python';

export interface DeadlockLink {
  pid: Pid;
  tid: Pid;
  /** The thread's name (`MainThread`, `Thread-1`); `process` names its process. */
  thread: string;
  process: string;
  waits: DeadlockWait;
  /** What it waits on, as the process list names it (`threading.Lock#2`, `Queue#1`). */
  object: string;
  line: string | null;
  /** When it began to wait, on the trace's clock (null when not known). */
  since: number | null;
}

export interface DeadlockReport {
  /** Threads each waiting for the next, the last for the first. Empty when they wait on
   * things no thread is bound to end (an Event no one will set). */
  cycle: DeadlockLink[];
  /** Every thread of the run: each waits, and none can go on. */
  stuck: DeadlockLink[];
}
