/**
 * The kernel ↔ process-worker boundary. Two Comlink channels per process:
 * - the kernel calls the worker's `ProcessRuntimeApi` (boot, exec);
 * - the worker calls `Syscalls` on a port the kernel bound to that pid. The kernel never takes a
 *   pid from a message: the port a request arrives on is the caller's identity.
 * Types, plus the ABI's constants (errno and signal numbers) that both sides share.
 */
import type { Pid, StartMethod, WorkspaceFile } from './kernel';

/** Errno values, as Linux (and WASI preview 1 names) give them. */
export const Errno = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  ECHILD: 10,
  EAGAIN: 11,
  EINVAL: 22,
  ENOSYS: 38,
} as const;
export type ErrnoValue = (typeof Errno)[keyof typeof Errno];

export const Signal = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 } as const;

export interface BootRequest {
  pyodideIndexURL: string;
  /** A memory snapshot to boot from; absent when this worker is asked to make one. */
  snapshot: Uint8Array | null;
  /** Int32Array view on shared memory: Pyodide's interrupt buffer, written by the kernel. */
  interruptBuffer: SharedArrayBuffer;
  syscallPort: MessagePort;
}

export interface BootResult {
  /** Present when the boot request had no snapshot: the snapshot this worker made. */
  snapshot: Uint8Array | null;
  bootMs: number;
}

/** What a process runs: a script file, or a multiprocessing child pickled by its parent. */
export type Job =
  { kind: 'script'; path: string } | { kind: 'child'; method: StartMethod; payload: Uint8Array };

export interface ExecRequest {
  pid: Pid;
  ppid: Pid;
  cwd: string;
  files: WorkspaceFile[];
  startMethod: StartMethod;
  job: Job;
}

export interface ProcessRuntimeApi {
  boot(request: BootRequest): Promise<BootResult>;
  /** Runs the job; the worker reports its end through `Syscalls.exit`. */
  exec(request: ExecRequest): Promise<void>;
}

export interface SpawnRequest {
  name: string;
  method: StartMethod;
  payload: Uint8Array;
}

/** `waitpid` outcome: Python's exitcode convention (negative = killed by that signal). */
export type WaitResult = { pid: Pid; exitCode: number } | { errno: ErrnoValue } | null;

/**
 * Blocking calls resolve with `{ errno: EINTR }` when a signal arrives: the kernel writes the
 * signal into the process's interrupt buffer and cuts its pending calls short, as Linux does.
 */
export interface Syscalls {
  /** Sleeps on a kernel timer. */
  sleep(ms: number): Promise<0 | { errno: ErrnoValue }>;
  /** Resolves once the bytes are consumed (shown on the console): the pipe's back-pressure. */
  write(fd: number, data: Uint8Array): Promise<void>;
  /** Up to `max` bytes; an empty array is end of file; `{errno}` when interrupted. */
  read(fd: number, max: number): Promise<Uint8Array | { errno: ErrnoValue }>;
  spawn(request: SpawnRequest): Promise<Pid | { errno: ErrnoValue }>;
  /** Waits for a child; `timeoutMs` null blocks, 0 polls. Null means still running. */
  waitpid(pid: Pid, timeoutMs: number | null): Promise<WaitResult>;
  kill(pid: Pid, signal: number): Promise<0 | { errno: ErrnoValue }>;
  exit(code: number): void;
}
