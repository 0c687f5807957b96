/**
 * The Python layer ↔ process worker boundary: every call `workers/python/procbox/*.py` makes
 * into its own worker. Types only: the worker's slices (`workers/runtime/*`) are checked against
 * these interfaces by the compiler, and `bin/gen-constants.mjs` writes each member's name and
 * arity into `procbox/constants.py`, against which tests/python/test_layer_calls.py checks every
 * call the Python layer makes.
 *
 * Two kinds of member:
 * - **Calls** (`LayerCalls`) are asynchronous: Python reaches them with `bridge.call(name, ...)`,
 *   which parks only the calling green thread until the promise settles, then hands it the value
 *   (a `SysError` when the system call failed).
 * - **Bridge** members (`LayerBridge`) answer at once: Python reaches them as
 *   `bridge.sync.name(...)`. Properties are plain values of this process.
 *
 * Values crossing from Python arrive as Pyodide converts them: an int or float as a number, a
 * str as a string, None as undefined, `to_js(bytes)` as a Uint8Array, `to_js(list)` as an array.
 * A slice of each kind exists per capability, so the worker is assembled from parts that each
 * own one concern.
 */
import type { Reply, StartMethod, SysError } from './common';
import type { IpcOpName } from './ipc';
import type { Connected, SockAddr, SocketState } from './net';
import type { Job, ProcessRow, SignalSyscalls, SpawnResult, WaitResult } from './process';
import type { PyCallable } from 'pyodide/ffi';

/** A capability's part of the boundary. */
export interface LayerSlice<Calls, Bridge> {
  calls: Calls;
  bridge: Bridge;
}

// --- stdio --------------------------------------------------------------------------------

export interface StdioCalls {
  /** Up to `max` bytes of fd 0 (the terminal); an empty array is end of file. */
  read(fd: number, max: number): Reply<Uint8Array>;
  /** Resolves once the output that found the console ring full is in it (a full pipe's wait). */
  drained(fd: number): Promise<void>;
}

export interface StdioBridge {
  /** Writes bytes to fd 1 or 2 (the console ring): `bytes` holds one byte a character
   * (latin-1), far cheaper across Pyodide's FFI than a buffer. True when some had to wait for
   * room, and the writer should wait for `drained` (back-pressure). `tid`: the writing
   * thread's native id, for the Timeline. */
  write(fd: number, bytes: string, tid: number): boolean;
}

// --- the process: identity, time, children, signals ----------------------------------------

/** The signal calls are the kernel's own (`SignalSyscalls`), passed through. */
export interface ProcessCalls extends SignalSyscalls {
  /** Sleeps on a kernel timer; EINTR when a signal comes first. */
  sleep(ms: number): Reply<0>;
  /** Starts a child. `sentinelFd` is a descriptor the caller reserved for its exit sentinel. */
  spawn(
    name: string,
    method: StartMethod,
    payload: Uint8Array,
    passFds: number[],
    sentinelFd: number,
  ): Promise<SpawnResult>;
  /** Starts a command (`subprocess`), in `cwd`, with only `passFds` of this process's
   * kernel descriptors, at the same numbers, and `stdio` as its fds 0, 1 and 2
   * (`SpawnRequest.command`). */
  command(
    argv: string[],
    env: string[] | null,
    cwd: string,
    passFds: number[],
    newSession: boolean,
    stdio: [number, number, number],
  ): Promise<SpawnResult>;
  /** execve(2): this process runs the command in place of its program, keeping its pid,
   * `passFds` and `stdio` as `command` gives them. It does not return, but with EOPNOTSUPP
   * when a standard stream is neither a pipe, a volume file nor the console. */
  exec(
    argv: string[],
    env: string[] | null,
    cwd: string,
    passFds: number[],
    stdio: [number, number, number],
  ): Reply<0>;
  /** Waits for a child (`pid` > 0), or any child (-1), or any of a process group (0: its own;
   * below -1: that one); `timeoutMs` undefined blocks, 0 polls. */
  waitpid(pid: number, timeoutMs?: number): Promise<WaitResult>;
  kill(pid: number, signal: number): Reply<0>;
  /** The process table, as `ps` reads /proc. */
  processes(): Reply<ProcessRow[]>;
}

export interface ProcessBridge {
  readonly pid: number;
  readonly ppid: number;
  readonly startMethod: StartMethod;
  readonly hardwareConcurrency: number;
  readonly job: Job;
  /** The pending signal mask, cleared (signals 1-31 as bits). */
  takeSignals(): number;
  /** `sigaction` for code that cannot wait (outside any thread): posted, not answered. */
  sigactionPosted(signal: number, disposition: number): void;
  signalsPending(): boolean;
  /** Whether fd 0, 1 or 2 is a terminal; false for any other descriptor. */
  isatty(fd: number): boolean;
  /** The terminal's [columns, rows], as the kernel keeps them current. */
  terminalSize(): number[];
  /** fork(2)'s copy of this process, made while Python waits in this call; the next
   * `spawn(…, 'fork', …)` starts the child from it. */
  forkCapture(): void;
  /** Reports the exit status; the kernel then ends this worker. */
  exit(code: number): void;
  /** os._exit: blocks until the kernel ends this worker (the exit is already reported). */
  halt(): void;
}

// --- IPC: kernel descriptors, pipes, semaphores, shared memory, names ----------------------

/** What a reserved descriptor will be: a pipe's read or write end, or a socket. */
export type FdKind = 'r' | 'w' | 'rw';

export interface IpcCalls {
  /** A new pipe at the reserved descriptors `rfd` and `wfd`; returns its ring. */
  pipe(rfd: number, wfd: number): Reply<number>;
  /** Two connected stream sockets at `fd1` and `fd2`: the rings `[fd1 → fd2, fd2 → fd1]`. */
  socketpair(fd1: number, fd2: number): Reply<[number, number]>;
  semCreate(value: number, maxvalue: number, name?: string): Reply<number>;
  semOpen(name: string): Reply<number>;
  semUnlink(name: string): Reply<0>;
  /** A zeroed shared memory block; returns its offset in the arena. */
  shmCreate(size: number): Reply<number>;
  /** Resolves once one of `fds` may be ready for its `events` (poll bits), on timeout (-1:
   * none), or on a signal. Thread `tid` shows as waiting on their objects meanwhile. */
  fdWait(fds: number[], events: number[], timeoutMs: number, tid: number): Promise<void>;
  /** Resolves once the semaphore's value may have changed, on timeout, or on a signal. */
  semWait(sem: number, timeoutMs: number, tid: number): Promise<void>;
}

export interface IpcBridge {
  /** Reserves a descriptor number for a pipe end or socket the kernel is about to make. */
  fdReserve(kind: FdKind): number;
  /** Gives a reserved descriptor its rings (-1: none), as the kernel answered. */
  fdBind(fd: number, read: number, write: number): void;
  /** A socket's rings changed (it connected, listens, or was bound for datagrams). */
  fdRebind(fd: number, read: number, write: number): void;
  /** Drops a reservation the kernel refused. */
  fdUnreserve(fd: number): void;
  isPipe(fd: number): boolean;
  /** Every kernel descriptor this process has (those an exec may keep). */
  kernelFds(): number[];
  /** os.set_blocking: Emscripten's F_SETFL can set O_NONBLOCK but never clears it. */
  fdSetBlocking(fd: number, blocking: boolean): void;
  /** Waits for `fd` to be ready for `events`: spinning up to `spinMs`, then blocked in
   * `Atomics.wait` until `blockMs` (the whole worker waits: only for a process with one
   * thread). A peer often answers within that, and then the thread need not park, which costs
   * a stack switch and an event-loop turn on each side. */
  fdSpin(fd: number, events: number, spinMs: number, blockMs: number): boolean;
  /** The ring a descriptor reads (else writes), as the trace names it; -1 for none. */
  fdRing(fd: number): number;
  semTryAcquire(sem: number): boolean;
  semRelease(sem: number): void;
  semValue(sem: number): number;
  semClose(sem: number): void;
  /** Mirrors the arena block at `at` into the local heap at `addr` (multiprocessing.heap). */
  shmMap(addr: number, at: number, size: number): void;
  shmUnmap(addr: number, at: number): void;
  /** The objects one multiprocessing constructor made: shown as `${kind}#n`. */
  ipcLabel(kind: string, objects: number[]): void;
  /** One of the program's own operations, for the trace (batched). */
  /** `bytes`: a message's size (a socket's send or receive), for the timeline's arrows;
   * `site`: the program's line that made it (procbox/waitsite.py `caller_line`). */
  ipcOp(op: IpcOpName, tid: number, object: number | string, bytes?: number, site?: string): void;
}

// --- the network ----------------------------------------------------------------------------

/** The network's setup and teardown, answered at once by the kernel (protocol/net.ts
 * `netNow`): the whole worker waits for the answer, as CPython in a system call that does not
 * block. Each returns its value or `{errno}`. */
export interface NetBridge {
  sockBind(
    fd: number,
    host: string,
    port: number,
    reuse: boolean,
  ): { local: SockAddr; ring: number } | SysError;
  sockListen(fd: number, backlog: number): number | SysError;
  /** connect(2); a stream socket's rings come back (see NetSyscalls.sockConnect). `fresh`: an
   * IPv4 stream socket neither bound nor connected before, which may take a connection made
   * ahead for the listener there (ipc/connect-stock.ts) without asking the kernel. */
  sockConnect(fd: number, host: string, port: number, fresh: boolean): Connected | SysError;
  /** accept(2) as `fd`, bound to the connection's rings: EAGAIN while no connection waits. */
  sockAccept(listenerFd: number, fd: number): Connected | SysError;
  /** One datagram; to the connected peer when `host` is undefined (Python's None). */
  sockSendTo(
    fd: number,
    data: Uint8Array,
    host: string | undefined,
    port: number,
    tid: number,
  ): { sent: number; ring: number } | SysError;
  sockShutdown(fd: number, how: number): 0 | SysError;
  sockInfo(fd: number): SocketState | SysError;
  /** socket(2) at descriptor `fd` (reserved): the errno of a family or type the network has
   * not, else null at once; the kernel makes it on its way, before any later call of this
   * process (NetSyscalls.sockCreate). */
  sockCreate(fd: number, family: number, type: number): number | null;
  /** One datagram from a socket's receive ring (a `peek` leaves it there); null when none
   * waits (EAGAIN). */
  fdRecvMessage(fd: number, peek?: boolean): Uint8Array | null;
  /** recv(MSG_PEEK) on a stream: up to `max` bytes left in place; null when none waits, an
   * empty array at end of file. */
  fdPeek(fd: number, max: number): Uint8Array | null;
}

// --- files: advisory locks and shared mappings -----------------------------------------------

export interface FileCalls {
  /** fcntl.flock (`kind` 'flock') or lockf ('posix': bytes `[start, end)`; `end` undefined:
   * to the end of the file) on descriptor `fd`. EBADF for a closed descriptor, or a lockf
   * lock its access mode does not allow; EAGAIN when another holds it and `wait` is false. */
  fileLock(
    fd: number,
    kind: 'flock' | 'posix',
    type: 'shared' | 'exclusive' | 'unlock',
    start: number,
    end: number | undefined,
    wait: boolean,
  ): Reply<0>;
}

export interface FileBridge {
  /** The shared mapping the last `mmap` made (-1: none), once (runtime/file-mappings.ts). */
  fileMapped(): number;
  /** An `mmap.mmap` closed or was collected: its mapping goes. */
  fileUnmap(mapping: number): void;
  /** link(2) (`os.link`): `target` becomes another name of `source` (Emscripten has no hard
   * links; the volume has); 0, or Linux's errno. */
  fileLink(source: string, target: string, follow: boolean): number;
}

// --- threads --------------------------------------------------------------------------------

export interface ThreadCalls {
  /** Registers a new thread: its TID, from the pid space (`threading.get_native_id()`). */
  threadStart(): Reply<number>;
}

/** The kernel's side of threads: their ids, names and the switch-interval ticker. */
export interface ThreadBridge {
  threadName(tid: number, name: string): void;
  threadExit(tid: number): void;
  /** Ring the doorbell every `ms` while the process has more than one thread; 0 stops. */
  setSwitchInterval(ms: number): void;
}

/** Parking and resuming green threads (workers/runtime/green-threads.ts). */
export interface SchedulerBridge {
  /** The scheduler's entry points (procbox/green.py), bound once the layer has started. */
  bindScheduler(threadMain: PyCallable, onSignalNotice: PyCallable): void;
  /** Resumes a parked thread. */
  resume(slot: number): void;
  /** Thread `slot` is `tid` (the main thread's is the pid): who has the CPU at each switch,
   * for the Timeline's running and ready; 0 when its thread has ended. */
  threadSlot(slot: number, tid: number): void;
  /** Starts thread `slot`'s task: it runs `threadMain(slot)`. */
  startThread(slot: number): void;
  /** Starts the call `name` for thread `slot`, which is resumed when it settles; returns the
   * call's id, under which the value then waits (`hasResult`, `takeResult`). */
  callFor<Name extends keyof LayerCalls>(
    slot: number,
    name: Name,
    ...args: Parameters<LayerCalls[Name]>
  ): number;
  hasResult(call: number): boolean;
  takeResult(call: number): unknown;
  /** Starts the call `name`, whose reply nobody waits for: a sleep the kernel should show,
   * while the process's own timer ends it. */
  tell<Name extends keyof LayerCalls>(name: Name, ...args: Parameters<LayerCalls[Name]>): void;
  /** Resumes `slot` after `ms`; returns the timer. */
  wakeAfter(slot: number, ms: number): number;
  cancelWake(timer: number): void;
  /** Resumes `slot` after the event loop has run what is queued (kernel replies, timers). */
  wakeSoon(slot: number): void;
  /** Whether a JavaScript frame lies inside the calling thread's stack, where it cannot park. */
  jsFrameInside(): boolean;
}

// --- the whole boundary ---------------------------------------------------------------------

export interface LayerCalls extends StdioCalls, ProcessCalls, IpcCalls, FileCalls, ThreadCalls {}

export interface LayerBridge
  extends
    StdioBridge,
    ProcessBridge,
    IpcBridge,
    NetBridge,
    FileBridge,
    ThreadBridge,
    SchedulerBridge {}

export type LayerCallName = keyof LayerCalls;
