/**
 * The shared-memory half of the kernel ↔ process boundary: the IPC arena.
 *
 * The kernel owns one SharedArrayBuffer, the arena, and places every semaphore, pipe and shared
 * memory block in it.
 * Each process worker gets the same buffer and operates on those objects directly with Atomics,
 * so an uncontended lock or a pipe read costs no message to the kernel. The kernel still owns
 * the objects: it allocates and frees them, counts who holds them, and updates the counts that
 * make end of file (a pipe's writers) when a process closes a descriptor or dies.
 *
 * Offsets are bytes into the arena; an object's offset is also its id. Word indexes below are
 * Int32 indexes relative to the object's first word.
 */
import type { Pid, Reply } from './common';

/**
 * Room for about a thousand connections (each two 64 KiB rings), near Linux's default limit of
 * 1,024 open files. Pages nothing has written stay uncommitted.
 */
export const ARENA_BYTES = 128 * 1024 * 1024;
/** Every block starts on this boundary. */
export const ARENA_ALIGN = 64;

/** A counting semaphore: one word of value. */
export const Sem = { VALUE: 0, WAITERS: 1, BYTES: 16 } as const;

/**
 * A pipe: a ring of `CAPACITY` bytes after a twelve-word header. `HEAD` and `TAIL` count bytes
 * written and read (uint32, wrapping). `SEQ` changes on every change of state, so one
 * `Atomics.waitAsync` on it covers data, space and end of file. `READERS`/`WRITERS` count open
 * descriptors of each end in every process; the kernel keeps them. `WLOCK`/`RLOCK` hold the pid
 * copying in or out, so concurrent writers never interleave inside one write of at most
 * `PIPE_BUF` bytes; the kernel clears a dead holder's lock.
 */
export const Ring = {
  SEQ: 0,
  HEAD: 1,
  TAIL: 2,
  READERS: 3,
  WRITERS: 4,
  WLOCK: 5,
  RLOCK: 6,
  CAPACITY: 7,
  FLAGS: 8,
  HEADER_BYTES: 48,
} as const;

/**
 * A ring's `FLAGS` (a connected socket's receive ring): `SHUT`, its writer shut down its side
 * (`shutdown(SHUT_WR)`: end of file once empty, and no more writes); `RESET`, the connection was
 * reset (the reader's peer closed with data unread, as TCP's RST: ECONNRESET once empty).
 * `TCP` marks a TCP connection's ring: the first write after its reader is gone is taken and
 * lost (`LOST` then set), as TCP accepts it before the peer's RST comes back; later ones fail
 * with EPIPE. A pipe's or AF_UNIX socket's write fails at once. `ACCEPT` marks a listener's
 * accept ring, whose messages are connections waiting (protocol/net.ts `AcceptRecord`).
 */
export const RingFlag = { SHUT: 1, RESET: 2, TCP: 4, LOST: 8, ACCEPT: 16 } as const;

/** Linux's default pipe capacity and atomic-write size. */
export const PIPE_CAPACITY = 65536;
export const PIPE_BUF = 4096;

/** poll(2) event bits, as Linux numbers them. */
export const Poll = { IN: 1, PRI: 2, OUT: 4, ERR: 8, HUP: 16, NVAL: 32, RDHUP: 0x2000 } as const;

export type PipeEnd = 'r' | 'w';

/**
 * What a kernel descriptor reads and writes: a pipe's read end has only `read`, its write end
 * only `write`; a socket of a pair has both, crossed with its peer's.
 */
export interface Rings {
  read: number | null;
  write: number | null;
}

/** One kernel descriptor of a process. */
export interface FdEntry extends Rings {
  fd: number;
}

/**
 * The console ring: one ring in the arena that every process writes its fds 1 and 2 into, at
 * the moment of `write`, and only the kernel reads. Writes reach it in one order across
 * processes, the order of the arena's atomics, so a line printed before a pipe write, a lock
 * release or an exit is always read before anything that followed from them. Each write is a
 * record: the ring's datagram length, then `[pid u32][tid u32][at f64][fd u8]` and the bytes:
 * `tid`, the thread that wrote (its pid for the main thread and C-level writes), and `at`, when
 * (the clock all workers share, `performance.timeOrigin + performance.now()`), so that the
 * Timeline can show which thread printed each line, and when.
 */
export const ConsoleRecord = { PID: 0, TID: 4, AT: 8, FD: 16, HEADER_BYTES: 17 } as const;
/** A terminal's buffer: what output may wait for the kernel before a writer must wait. */
export const CONSOLE_RING_CAPACITY = 256 * 1024;
/** Largest record; a longer write is split (the kernel decodes UTF-8 across records). */
export const CONSOLE_RECORD_MAX = 16 * 1024;

/** What a process starts with: the arena, the console ring and the kernel descriptors it
 * inherited. */
export interface IpcInheritance {
  arena: SharedArrayBuffer;
  console: number;
  /** The network's port directory (ipc/connect-stock.ts). */
  ports: number;
  /** Where fork images wait for their children (ipc/fork-area.ts). */
  forkSlots: SharedArrayBuffer;
  fds: FdEntry[];
}

/** The arena's IPC calls; part of `Syscalls`. */
export interface IpcSyscalls {
  /** A new pipe bound to descriptors `rfd` and `wfd`, which the worker has reserved. */
  pipe(rfd: number, wfd: number): Reply<number>;
  /** Two connected stream sockets at `fd1` and `fd2`: returns the rings `[fd1 → fd2, fd2 → fd1]`. */
  socketpair(fd1: number, fd2: number): Reply<[number, number]>;
  /** `fd` now refers to the same end as `from` (dup, dup2). `counted`: the worker added the
   * new descriptor to its rings' holder counts itself (a connected socket's, see fdClose). */
  fdDup(fd: number, from: number, counted?: boolean): void;
  /** Closes `fd`, then stores `seq` (if a number) at the caller's CLOSED_INDEX
   * (protocol/constants.ts). `released`: the worker took the descriptor off its rings' holder
   * counts itself and did not wait (a connected socket with nothing unread: its peer sees the
   * end at once, the kernel's bookkeeping follows). `at`: when the worker closed it (the clock
   * workers share), which the timeline keeps: the kernel may hear of it late. */
  fdClose(fd: number, seq: number | null, released?: boolean, at?: number): void;
  semCreate(value: number, maxvalue: number, name: string | null): Reply<number>;
  /** sem_open of an existing name: the spawn start method rebuilds semaphores by name. */
  semOpen(name: string): Reply<number>;
  semClose(sem: number): void;
  semUnlink(name: string): Reply<0>;
  /** A zeroed block for multiprocessing's Value and Array; children inherit it. */
  shmCreate(size: number): Reply<number>;
  /** This process no longer maps the block (its last Value or Array there was collected). */
  shmDetach(at: number): void;
}

/** What the trace records of multiprocessing objects and the program's threading locks, Events
 * and Conditions (the Python API's own operations; `woken`: a wait that ended by a set or a notify,
 * not by its timeout), and `run`: a thread got the CPU from another of its process (the object
 * is `GIL`). */
export type IpcOpName =
  'put' | 'get' | 'send' | 'recv' | 'acquire' | 'release' | 'set' | 'notify' | 'woken' | 'run';

/** One operation, stamped with the clock every worker shares: `performance.timeOrigin +
 * performance.now()`. A batch reaches the kernel a while later, and a give in one process must
 * still come before the take in another. */
export interface IpcOp {
  at: number;
  tid: Pid;
  op: IpcOpName;
  /** The arena object it touched (a pipe ring or a semaphore), or a lock that lives inside the
   * process, named there (`threading.Lock#1`, `threading.Event#2`; see THREAD_LOCK_NAME). */
  object: number | string;
  /** A message's size, for a socket's send or receive. */
  bytes?: number;
  /** The program's line that made it (`main.py:12`), when the program made it. */
  site?: string;
  /** For a `run`: the process's threads that wait (a lock, an Event, a join, a kernel call)
   * rather than merely wait for their turn; the rest are ready. */
  waits?: number[];
}

/** How a process names the `threading` locks, Events and Conditions its program makes, for the
 * trace. */
export const THREAD_LOCK_NAME = /^threading\.(?:R?Lock|Event|Condition)#\d{1,9}$/;

/** Naming and tracing: how the process list and the trace tell objects apart. */
export interface IpcObserverCalls {
  /** The objects made by one multiprocessing constructor: they are shown as `${kind}#n`. */
  ipcLabel(kind: string, objects: number[]): void;
  /** A batch of operations. */
  ipcOps(ops: IpcOp[]): void;
  /** Thread `tid` waits on these objects (shown in the process list), or no longer (null). */
  ipcWaiting(tid: Pid, objects: number[] | null): void;
}

export type { Pid };
