/**
 * The kernel ↔ process-worker boundary. Two Comlink channels per process:
 * - the kernel calls the worker's `ProcessRuntimeApi` (boot, exec);
 * - the worker calls `Syscalls` on a port the kernel bound to that pid. The kernel never takes a
 *   pid from a message: the port a request arrives on is the caller's identity.
 * Types only; the numbers both sides share are in constants.ts.
 */
import type { IpcInheritance, IpcObserverCalls, IpcSyscalls } from './ipc';
import type { FileLockSyscalls, InheritedFile } from './fs';
import { NET_NOW_CALLS, type NetNowName, type NetNowSyscalls, type NetSyscalls } from './net';
import type { Pid, Reply, StartMethod, SysError } from './common';
import type { StuckThread } from './deadlock';

export interface BootRequest {
  pyodideIndexURL: string;
  /** Pyodide's WebAssembly, compiled once by the kernel (runtime/shared-wasm.ts). */
  wasm: WebAssembly.Module;
  /** A memory snapshot to boot from, absent when this worker is asked to make one. */
  snapshot: SharedSnapshot | null;
  /** Which pages of a fresh memory the runtime writes before the snapshot's restore, as an
   * earlier boot from the same snapshot found them (runtime/sparse-copy.ts); null at first. */
  writtenBeforeRestore: Uint8Array | null;
  /** Which pages the snapshot has zero a boot from it writes, as an earlier boot found them
   * (runtime/fork-image.ts, `changedSinceSnapshot`); null at first. */
  writtenAfterRestore: Uint8Array | null;
  /** Python's standard library (Pyodide's zip) in shared memory, fetched once by the kernel
   * (runtime/shared-stdlib.ts); null: the worker fetches its own. */
  stdlib: Uint8Array | null;
  /** The Python layer's files, one copy in shared memory for every worker
   * (runtime/python-layer.ts). */
  layer: LayerImage;
  /** Int32Array view on shared memory: Pyodide's interrupt buffer, written by the kernel. */
  interruptBuffer: SharedArrayBuffer;
  syscallPort: MessagePort;
}

/** Files packed in one buffer: each one's path, and where its bytes are. */
export interface LayerImage {
  bytes: Uint8Array;
  files: { path: string; start: number; length: number }[];
}

/** Pyodide's memory snapshot in shared WebAssembly memory: every worker boots from the one
 * copy, and a fork's image leaves out the pages that are still the snapshot's
 * (runtime/fork-image.ts), read beside the interpreter's own memory. */
export interface SharedSnapshot {
  memory: WebAssembly.Memory;
  /** Where the snapshot's bytes are in `memory` (its memory image starts on a page). */
  start: number;
  length: number;
  /** Which pages of its memory image may be written (1), and which are zero (0); null: all
   * may be. */
  pages: Uint8Array | null;
  /** Which of the kernel's snapshots: a forked child must have booted from its parent's. */
  id: number;
  /** Where in `memory` the fork area's slots start (ipc/fork-area.ts), after the snapshot. */
  forkArea: number;
}

export interface BootResult {
  /** Present when the boot request had no snapshot: the snapshot this worker made, packed
   * (runtime/sparse-copy.ts `encodePacked`): what the kernel keeps, and half the bytes to send. */
  snapshot: Uint8Array | null;
  /** Present when the request had none: what this boot found (BootRequest.writtenBeforeRestore). */
  writtenBeforeRestore: Uint8Array | null;
  /** Present when the request had none: what this boot found (BootRequest.writtenAfterRestore). */
  writtenAfterRestore: Uint8Array | null;
  bootMs: number;
}

/** What a process runs: a script file, a multiprocessing child pickled by its parent, a
 * console tool (`procbox.tools`) with its command line, or a command a program started
 * (`subprocess`: `python ...` with its arguments and, when given, its environment). */
export type Job =
  | { kind: 'script'; path: string }
  | {
      kind: 'child';
      method: StartMethod;
      /** spawn: CPython's preparation data and process object; fork: the parent's memory
       * pages that are not the snapshot's (ForkState.imagePages). */
      payload: Uint8Array;
      fork?: ForkState;
    }
  | { kind: 'tool'; argv: string[] }
  | {
      kind: 'command';
      argv: string[];
      env: string[] | null;
      /** Its fds 0, 1, 2 that are /dev/null, and those that are no console at all. */
      devNull: number[];
      redirected: number[];
    };

export interface ExecRequest {
  pid: Pid;
  ppid: Pid;
  cwd: string;
  /** The shared filesystem (protocol/fs.ts), mounted at /home/user, /tmp and /dev/shm. */
  volume: SharedArrayBuffer;
  /** A forked child's volume files, open at the parent's numbers. */
  files: InheritedFile[];
  /** Per open file description, how many of this process's descriptors name it (kept by the
   * process, read by the kernel when it ends: kernel/fd-table.ts). */
  fileCounts: SharedArrayBuffer;
  startMethod: StartMethod;
  job: Job;
  /** Which of fds 0, 1 and 2 are a terminal (the size is in the interrupt buffer). */
  isatty: [boolean, boolean, boolean];
  /** The IPC arena and the kernel descriptors this process inherited. */
  ipc: IpcInheritance;
}

export interface ProcessRuntimeApi {
  boot(request: BootRequest): Promise<BootResult>;
  /** Runs the job; the worker reports its end through `Syscalls.exit`. */
  exec(request: ExecRequest): Promise<void>;
  /** A signal is pending (see the interrupt buffer): wake the main thread if it waits. */
  signalNotice(): void;
}

/** What a forked child needs beside its parent's memory (runtime/fork-image.ts). */
export interface ForkState {
  /** The parent's memory up to malloc's end: its length, and which of its pages are not the
   * snapshot's (one byte each). The job's payload holds those pages, in order
   * (runtime/sparse-copy.ts). */
  imageLength: number;
  imagePages: Uint8Array;
  /** The snapshot the pages were told against (SharedSnapshot.id), or 0: against zero. */
  imageBase: number;
  /** The fork-area slot that holds those pages (ipc/fork-area.ts), or null: the job's payload
   * holds them. */
  imageSlot: ForkSlot | null;
  /** The JavaScript values Python held, by their index in Pyodide's table (from 7). */
  jsRefs: JsRefCopy[];
  /** The strings Pyodide interned (its immortal table, from 7). */
  interned: string[];
  /** Shared ctypes blocks mirrored in memory, as `[address, arena offset, size]`. */
  sharedBlocks: [number, number, number][];
  /** Shared file mappings (mmap), at the same addresses. */
  fileMappings: InheritedMapping[];
}

/** A slot of the fork area that a fork holds, by its token (ipc/fork-area.ts). */
export interface ForkSlot {
  slot: number;
  token: number;
}

/** A shared file mapping as a forked child takes it over (runtime/file-mappings.ts). */
export interface InheritedMapping {
  id: number;
  ptr: number;
  ino: number;
  position: number;
  length: number;
  refs: number;
  key: string;
}

/** How the child finds one JavaScript value of its parent's: its own from boot, a plain value,
 * or none (a value that says it stayed in the parent). */
export type JsRefCopy =
  { kind: 'boot' } | { kind: 'value'; value: unknown } | { kind: 'gone'; what: string };

export interface SpawnRequest {
  name: string;
  method: StartMethod;
  /** spawn: the pickles `spawn_main` reads; fork: the parent's memory (with `fork`). */
  payload: Uint8Array;
  fork?: ForkState;
  /** Descriptors a spawned child inherits at the same numbers (fork passes every one). */
  passFds: number[];
  /** Where the parent wants the child's exit sentinel (a pipe read end), reserved by it. */
  sentinelFd: number | null;
  /** The parent's working directory: the child starts there. */
  cwd: string;
  /** fork: the parent's open volume files, each description lent once more for the child
   * (the kernel owns those references from the request on). */
  files: InheritedFile[];
  /** A command instead of a multiprocessing child (`payload` is then empty); `newSession`:
   * it leads a process group of its own (`start_new_session`); `stdio`: for its fds 0, 1 and
   * 2, the parent's kernel descriptor it gets (`STDIO_CONSOLE`: the console, as the parent's
   * own; `STDIO_NULL`: /dev/null; `STDIO_FILE`: a volume file, lent in `files`). */
  command?: {
    argv: string[];
    env: string[] | null;
    newSession: boolean;
    stdio: [number, number, number];
  };
}

/** What `exec` runs: the command, as `SpawnRequest.command` gives it, with the volume files
 * lent at 0, 1 and 2 (`STDIO_FILE`), and the output the console ring had no room for yet. */
export interface ExecCommand {
  argv: string[];
  env: string[] | null;
  cwd: string;
  passFds: number[];
  stdio: [number, number, number];
  files: InheritedFile[];
  unwritten: { fd: number; data: Uint8Array }[];
}

export type SpawnResult = { pid: Pid; sentinel: number | null } | SysError;

/** `waitpid` outcome: Python's exitcode convention (negative = killed by that signal). */
export type WaitResult = { pid: Pid; exitCode: number } | SysError | null;

/** One process as `ps` lists it: a live one, or a zombie (ended; its parent has not waited). */
export interface ProcessRow {
  pid: Pid;
  ppid: Pid;
  pgid: Pid;
  /** Its command line, as /proc/PID/cmdline holds it. */
  argv: string[];
  /** R running, S sleeping (blocked in a kernel call), Z zombie. */
  state: 'R' | 'S' | 'Z';
  /** Threads besides the main one. */
  threads: number;
  /** Whether the console is its controlling terminal, and its group the console's foreground. */
  tty: boolean;
  foreground: boolean;
  /** When it started, in milliseconds since the epoch. */
  started: number;
}

/** Signals beyond kill(2): what the process does with each, its mask, waits and timers. */
export interface SignalSyscalls {
  /** `signal.signal`: the default action, ignore, or the process's Python handler
   * (`Disposition`), in force when this resolves: a signal sent after that, from anywhere,
   * meets it. SIGKILL and SIGSTOP keep their default. */
  sigaction(signal: number, disposition: number): Reply<0>;
  /** sigprocmask(2) (`how`: 0 block, 1 unblock, 2 set); the old mask, signals as bits. */
  sigmask(how: number, mask: number): Reply<number>;
  /** The blocked signals that are pending, as bits. */
  sigpending(): Reply<number>;
  /** sigwait(3): takes a pending signal of `mask`, or waits for one; EINTR when a handled
   * signal comes first. */
  sigwait(mask: number): Reply<number>;
  /** pause(2): waits until a signal's handler is to run (always EINTR). */
  pause(): Reply<0>;
  /** setitimer(2) in seconds; the old [value, interval]. */
  setitimer(which: number, value: number, interval: number): Reply<[number, number]>;
  getitimer(which: number): Reply<[number, number]>;
}

/**
 * Blocking calls resolve with `{ errno: EINTR }` when a signal arrives: the kernel writes the
 * signal into the process's interrupt buffer and cuts its pending calls short, as Linux does.
 */
export interface Syscalls
  extends
    IpcSyscalls,
    IpcObserverCalls,
    NetSyscalls,
    NetNowSyscalls,
    SignalSyscalls,
    FileLockSyscalls {
  /** Sleeps on a kernel timer. */
  sleep(ms: number): Reply<0>;
  /** Up to `max` bytes; an empty array is end of file; `{errno}` when interrupted. */
  read(fd: number, max: number): Reply<Uint8Array>;
  spawn(request: SpawnRequest): Promise<SpawnResult>;
  /** execve(2): the process's worker is replaced by one running `request`'s command, under
   * the same pid; no reply reaches the old worker. */
  exec(request: ExecCommand): Reply<0>;
  /** Waits for a child, as `waitpid(2)` picks one by `pid` (-1: any; 0 or below: a process
   * group); `timeoutMs` null blocks, 0 polls. Null means none has ended yet. A child is
   * reaped once: a second wait for it is ECHILD. */
  waitpid(pid: Pid, timeoutMs: number | null): Promise<WaitResult>;
  kill(pid: Pid, signal: number): Reply<0>;
  /** The process table, as `ps` reads /proc. */
  processes(): Reply<ProcessRow[]>;
  /** The process ends; `unwritten` is output the console ring had no room for yet (it writes
   * everything else there, protocol/ipc.ts `ConsoleRecord`). */
  exit(code: number, unwritten: { fd: number; data: Uint8Array }[]): void;
  /** A new thread: its id (Linux's TID, from the pid space; `threading.get_native_id()`). */
  threadStart(): Reply<Pid>;
  threadName(tid: Pid, name: string): void;
  threadExit(tid: Pid): void;
  /** Ring the doorbell every `ms` while the process has more than one thread; 0 stops. */
  setSwitchInterval(ms: number): void;
  /** Every thread waits, untimed, on another thread or process (what each waits on), or, with
   * null, one runs again: what the kernel's deadlock detector reads. */
  quiet(threads: StuckThread[] | null): void;
}

/**
 * Calls a worker posts as a plain message on its syscall port, which the kernel takes before
 * Comlink sees it: in order with the process's other calls, without Comlink's wrapping (a
 * proxy, an id, a reply nobody reads), which costs more than these calls do. With a `seq` it is
 * one of `NET_NOW_CALLS`, answered in the interrupt buffer (`netNow`); without, one of
 * `TOLD_CALLS`, which nobody waits for.
 */
export const TOLD_CALLS = [
  'sockCreate',
  'sockAccepted',
  'sockConnected',
  'fdClose',
  'fdDup',
  'ipcOps',
] as const;
export type ToldName = (typeof TOLD_CALLS)[number];

export type PlainCall =
  | { seq: number; name: NetNowName; args: unknown[] }
  | { seq: null; name: ToldName; args: unknown[] };

/** Calls made together (a close and the trace operations before it) go in one message. */
export interface PlainCallMessage {
  plain: PlainCall[];
}

const plainNames = new Set<string>([...NET_NOW_CALLS, ...TOLD_CALLS]);

export function isPlainCallMessage(data: unknown): data is PlainCallMessage {
  const calls = (data as Partial<PlainCallMessage> | null)?.plain;
  return Array.isArray(calls) && calls.every(isPlainCall);
}

function isPlainCall(call: unknown): call is PlainCall {
  const { seq, name, args } = (call ?? {}) as Partial<PlainCall>;
  return (
    typeof name === 'string' &&
    plainNames.has(name) &&
    Array.isArray(args) &&
    (seq === null) === (TOLD_CALLS as readonly string[]).includes(name)
  );
}
