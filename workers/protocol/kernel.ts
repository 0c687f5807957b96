/**
 * The UI ↔ kernel boundary. The page holds a Comlink `Remote<KernelApi>`; the kernel worker
 * exposes an object that `satisfies KernelApi`. Types only: both sides `import type` this file.
 */
import type { Pid, StartMethod, WorkspaceChange, WorkspaceFile } from './common';
import type { CONSOLE_TOOLS } from './constants';
import type { DeadlockReport } from './deadlock';
import type { IpcOpName } from './ipc';
import type { SocketInfo } from './net';

export type { DeadlockReport, Pid, StartMethod, WorkspaceChange, WorkspaceFile };
export type ConsoleTool = (typeof CONSOLE_TOOLS)[number];

export interface RunRequest {
  files: WorkspaceFile[];
  /** Files started as top-level processes, in this order. The last one is the foreground. */
  entries: string[];
  startMethod: StartMethod;
  /** What the processes' standard streams are; the playground's console when absent. */
  terminal?: TerminalInfo;
}

/** The standard streams as a process sees them: which of fds 0, 1 and 2 are a terminal (the
 * console always; in the CLI, whichever of its own streams are), and the terminal's size. */
export interface TerminalInfo {
  isatty: [boolean, boolean, boolean];
  columns: number;
  rows: number;
}

export type ProcessState = 'starting' | 'running' | 'blocked' | 'exited';

export interface ProcessInfo {
  pid: Pid;
  ppid: Pid;
  /** Process group: a top-level process leads one, its children inherit it. */
  pgid: Pid;
  name: string;
  state: ProcessState;
  /** What a blocked process waits for, e.g. "input()" or "join(3)". */
  waitingOn: string | null;
  /** Python's convention: a negative code is the signal that ended the process. */
  exitCode: number | null;
  /** Threads besides the main one, while they run (the main thread is the process itself). */
  threads: ThreadInfo[];
  /** Its listening ports, connections and datagram sockets, as `ss` lists them. */
  sockets: SocketInfo[];
}

export interface ThreadInfo {
  /** Linux's TID (`threading.get_native_id()`), from the same number space as pids. */
  tid: Pid;
  name: string;
  /** The multiprocessing object it is blocked on (`Queue#3`), if any. */
  waitingOn: string | null;
}

/** A piece of the trace, for a live Timeline that reads only what is new. */
export interface TraceSince {
  /** In the order recorded: a process reports its IPC operations in batches, after the fact. */
  events: TraceEvent[];
  /** Where the next read starts. */
  next: number;
  /** How many of the run's oldest events the bounded trace has let go (0 while it holds all). */
  dropped: number;
  /** The trace's clock now: where a live timeline ends (a deadlocked run records nothing more). */
  now: number;
}

export interface OutputChunk {
  pid: Pid;
  fd: 1 | 2;
  text: string;
  /** The thread that wrote it (its pid for the main thread), and when, on the trace's clock:
   * where the Timeline shows it. */
  tid?: Pid;
  t?: number;
}

/** The kernel's structured event trace. Sockets' sends and receives are `IpcOpName` events
 * whose object names the connection by both ends. */
export type TraceEvent =
  | {
      type: 'spawn';
      t: number;
      pid: Pid;
      ppid: Pid;
      name: string;
      method: 'script' | 'tool' | StartMethod;
    }
  /** execve: the process runs a new program, `name` its command line. */
  | { type: 'exec'; t: number; pid: Pid; name: string }
  | { type: 'exit'; t: number; pid: Pid; code: number }
  /** waitpid returned `child`'s exit to `pid` (a join), whether or not it had to wait. */
  | { type: 'reap'; t: number; pid: Pid; child: Pid }
  | { type: 'signal'; t: number; from: Pid | null; to: Pid; signal: number }
  | { type: 'thread-start'; t: number; pid: Pid; tid: Pid }
  | { type: 'thread-name'; t: number; pid: Pid; tid: Pid; name: string }
  | { type: 'thread-exit'; t: number; pid: Pid; tid: Pid }
  /** `bytes`: a socket message's size; `site`: the program's line that made it (`main.py:12`). */
  | {
      type: IpcOpName;
      t: number;
      pid: Pid;
      tid: Pid;
      object: string;
      bytes?: number;
      site?: string;
      /** A `run`'s: the process's threads that wait rather than wait for their turn. */
      waits?: Pid[];
    }
  /** A thread (the main one: `tid` is the pid) begins to wait on `on` (`Queue#1`, `sleep`,
   * `input()`, `join(3)`, `accept 0.0.0.0:8888`), or, with null, runs again. */
  | { type: 'wait'; t: number; pid: Pid; tid: Pid; on: string | null }
  | { type: 'listen'; t: number; pid: Pid; address: string }
  /** Every thread of the run waits and none can wake another (workers/kernel/deadlock.ts). */
  | { type: 'deadlock'; t: number; report: DeadlockReport }
  /** A stream connection's setup and teardown: `from` is the client's end for connect and
   * accept, the closing side's for close. */
  | { type: 'connect' | 'accept' | 'close'; t: number; pid: Pid; from: string; to: string };

/** Callbacks the UI hands to the kernel (as `Comlink.proxy`). */
export interface KernelObserver {
  /** Resolves once the UI has shown the chunks: that is the back-pressure on printing processes. */
  output(chunks: OutputChunk[]): Promise<void>;
  /** The process table, and the sockets the browser holds (the Preview's connections: the
   * client `browser`, which is no process of the run). */
  processes(table: ProcessInfo[], browser: SocketInfo[]): void;
  /** A message from the kernel itself (process limit reached, …); `key` indexes the i18n table. */
  notice(key: KernelNoticeKey, detail: string): void;
  /** Files the program created, changed or removed in `/home/user`, as it runs. */
  files(changes: WorkspaceChange[]): void;
  /** How far Python's start has come, for a progress bar. */
  bootProgress(progress: BootProgress): void;
  /** The run is deadlocked: every thread waits, and none can wake another. Said once, after
   * the output that came before it. */
  deadlock(report: DeadlockReport): void;
}

/** Python's start, step by step: its files downloading (bytes; `total` 0 when unknown), the
 * memory snapshot being made (a first visit only), the first process worker booting. */
export type BootProgress =
  { stage: 'download'; loaded: number; total: number } | { stage: 'snapshot' } | { stage: 'boot' };

export type KernelNoticeKey = 'processLimit' | 'snapshotDamaged';

/** Where the memory snapshot the processes boot from came from: made now, or kept from before
 * (the origin's Cache Storage, or the CLI's cache folder). */
export type SnapshotSource = 'made' | 'browser cache' | 'cache folder';

export interface BootReport {
  snapshot: SnapshotSource;
}

export interface KernelConfig {
  /** Absolute URL of the directory that holds Pyodide's files. */
  pyodideIndexURL: string;
  /** Idle booted workers kept ready for the next process. */
  warmPoolSize: number;
  /** Live processes allowed at once; a fork bomb stops here (DEFAULT_PROCESS_LIMIT). */
  processLimit: number;
  /** A folder (URL ending in /) that also keeps the snapshot, across browser profiles: the
   * CLI's cache folder, which its static server serves. Null on the page. */
  snapshotCacheURL: string | null;
}

export interface KernelApi {
  /** Resolves once Python is booted and a process can start at once. */
  init(config: KernelConfig, observer: KernelObserver): Promise<BootReport>;
  /** Starts each entry as a top-level process; resolves with their pids. */
  run(request: RunRequest): Promise<Pid[]>;
  /** Starts a console tool (`argv[0]` one of CONSOLE_TOOLS) as the foreground process: typed
   * lines, Ctrl-D and Ctrl-C go to it until it exits. Resolves with its pid, or null when
   * `argv` names no tool or no process can start. A `background` one (`cmd &`) leaves the
   * foreground as it is. */
  runTool(argv: string[], background?: boolean): Promise<Pid | null>;
  /** `fg`: the live top-level process `pid` becomes the foreground; false when there is none. */
  foreground(pid: Pid): Promise<boolean>;
  /** Ends every process at once (SIGKILL, worker terminated). */
  stop(): Promise<void>;
  /** Typed console input for the foreground process's stdin. */
  writeStdin(text: string): void;
  /** The input has ended for good (the CLI's standard input closed): every read from now on
   * is end of file. */
  closeStdin(): void;
  /** Ctrl-D on the console: the foreground process reads end of file once, as from a tty;
   * reads after that wait for new input. */
  endOfFile(): void;
  /** The console's size changed: `os.get_terminal_size()` says so from now on. */
  resize(columns: number, rows: number): void;
  /** Ctrl-C: SIGINT to the foreground process group. */
  interrupt(): void;
  /** Resolves when no process is left. */
  waitIdle(): Promise<void>;
  /** A fresh kernel, as after a boot, on the same booted workers: every process is killed, and
   * the process table (pids from 1 again), files, IPC objects, sockets and trace start anew.
   * The old kernel says nothing more. How the CLI's daemon reuses a page for its next call. */
  reset(): Promise<void>;
  trace(): Promise<TraceEvent[]>;
  /** What the trace recorded since a read that ended at `from` (0: the run's start). */
  traceSince(from: number): Promise<TraceSince>;
  /** The workspace's files (/home/user) as they are now. */
  files(): Promise<WorkspaceFile[]>;
  /** Connects to TCP `port` of the virtual host from outside the run (protocol/outside.ts): 0
   * once connected, with `channel` carrying the bytes both ways, or the errno (ECONNREFUSED
   * when nothing listens there). */
  connectOutside(port: number, channel: MessagePort): Promise<number>;
}
