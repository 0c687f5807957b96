import type { SysError } from '../protocol/common';
import { CONSOLE_TOOLS, Disposition, Errno, SIGNAL_MAX, Signal } from '../protocol/constants';
import type {
  KernelObserver,
  Pid,
  RunRequest,
  StartMethod,
  TerminalInfo,
} from '../protocol/kernel';
import type { ExecRequest, Job, SpawnRequest, SpawnResult, Syscalls } from '../protocol/process';
import { ConsoleOutput } from './console-output';
import { FdTable } from './fd-table';
import { ipcCallsFor, ipcObserverCallsFor } from './ipc-calls';
import { IpcTable } from './ipc-table';
import { netCallsFor } from './net-calls';
import { NetTable } from './net-table';
import { Outbox } from './outbox';
import { type PendingCall, type ProcessRecord, ProcessTable } from './process-table';
import { ProcessSignals, defaultAction } from './signals';
import { signalCallsFor } from './signal-calls';
import { StdinPipe } from './stdin';
import { Trace } from './trace';
import { WORKSPACE_SYNC_MS, Workspace } from './workspace';
import { FileLocks, fileLockCallsFor } from './file-locks';
import type { InheritedFile } from '../protocol/fs';

/** A booted process worker, as the kernel drives it. */
export interface ProcessHandle {
  exec(request: ExecRequest): Promise<void>;
  /** Marks a signal pending in the process's interrupt buffer and rings its doorbell. */
  raise(signal: number): void;
  /** A signal waits in the interrupt buffer: a blocking call must not start. */
  signalPending(): boolean;
  /** Rings the doorbell every `ms` (green-thread preemption); 0 stops. */
  setSwitchInterval(ms: number): void;
  /** The terminal's size, as `os.get_terminal_size()` reports it. */
  setTerminalSize(columns: number, rows: number): void;
  terminate(): void;
}

/** Where processes come from: Web Workers in the browser, scripted processes in unit tests. */
export interface ProcessHost {
  launch(syscalls: Syscalls, onCrash: (message: string) => void): Promise<ProcessHandle>;
}

export interface KernelOptions {
  processLimit: number;
  now?: () => number;
}

/** The working directory every process starts in; the workspace files live there. */
export const HOME = '/home/user';

const EINTR = { errno: Errno.EINTR } as const;
const utf8 = new TextEncoder();

/** A terminal's width or height, as the page or the CLI may give it. */
const isTerminalSize = (n: unknown): n is number =>
  Number.isInteger(n) && (n as number) > 0 && (n as number) < 10_000;

/**
 * The operating system between Procbox processes: the process table, signals, exit codes,
 * standard streams and the event trace. It owns every piece of process state; a process reaches
 * it only through the `Syscalls` object bound to its own pid.
 */
export class Kernel {
  readonly table = new ProcessTable();
  readonly trace: Trace;
  readonly ipc = new IpcTable();
  /** Every process's descriptors: pipes, sockets and files. */
  readonly fds: FdTable;
  readonly net: NetTable;
  private readonly outbox: Outbox;
  private readonly console: ConsoleOutput;
  private readonly handles = new Map<Pid, ProcessHandle>();
  private readonly stdin = new Map<Pid, StdinPipe>();
  /** The console's input: type-ahead waits here for whichever top-level process reads. */
  private terminal = new StdinPipe();
  /** The one filesystem every process mounts. */
  readonly workspace = new Workspace();
  private readonly fileLocks = new FileLocks();
  private readonly workspaceSync: ReturnType<typeof setInterval>;
  private startMethod: StartMethod = 'fork';
  /** The playground's console until a run says otherwise (the CLI): every stream a terminal. */
  private terminalInfo: TerminalInfo = { isatty: [true, true, true], columns: 80, rows: 24 };
  private entries: Pid[] = [];
  private readonly now: () => number;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly host: ProcessHost,
    private readonly options: KernelOptions,
    observer: () => KernelObserver | null,
  ) {
    this.now = options.now ?? (() => performance.now());
    this.trace = new Trace(this.now);
    this.fds = new FdTable(this.ipc, {
      closeAll: (counts) => {
        // A flock goes with its description's last close, here as in any process's close.
        for (const d of this.workspace.closeAll(counts))
          this.fileLocks.dropOwner(`description:${d}`);
      },
    });
    this.net = new NetTable(this.ipc, this.fds, this.trace);
    this.outbox = new Outbox(observer, () => this.table.snapshot((pid) => this.net.describe(pid)));
    this.console = new ConsoleOutput(this.ipc, this.ipc.newConsoleRing(), this.outbox);
    this.outbox.sync = () => this.console.drain();
    this.workspaceSync = setInterval(() => this.syncWorkspace(), WORKSPACE_SYNC_MS);
  }

  /** Tells the page what the program did to its files; frees the volume from a dead holder. */
  private syncWorkspace(): void {
    // A terminated worker can run a moment after its death was processed, and take the lock.
    const holder = this.workspace.holder();
    const state = this.table.get(holder)?.state;
    if (holder !== 0 && (state === undefined || state === 'exited')) {
      this.workspace.released(holder);
    }
    this.outbox.files(this.workspace.changes());
  }

  /** Stops the kernel's own timers (tests). */
  dispose(): void {
    clearInterval(this.workspaceSync);
  }

  /** Starts a run: every previous process is killed, then each entry starts in order. */
  async run(request: RunRequest): Promise<Pid[]> {
    this.stop();
    this.table.reap();
    this.trace.clear();
    this.ipc.renumber();
    this.workspace.prepare(request.files);
    this.startMethod = request.startMethod;
    // The console keeps its size from one run to the next (resize); the CLI says its own.
    const { terminal } = request;
    const tty = (fd: number) => !terminal || terminal.isatty?.[fd] === true;
    this.terminalInfo.isatty = [tty(0), tty(1), tty(2)];
    if (terminal) this.resize(terminal.columns, terminal.rows);
    this.entries = [];
    this.terminal = new StdinPipe();
    for (const path of request.entries) {
      const started = await this.start(0, null, path, { kind: 'script', path }, 'script');
      if ('pid' in started) this.entries.push(started.pid);
    }
    return this.entries.slice();
  }

  /** Ends every process at once. */
  stop(): void {
    for (const p of this.table.live()) this.signal(null, p.pid, Signal.SIGKILL);
  }

  /**
   * Starts a console tool in a process group of its own, reading a console input of its own:
   * it is the foreground (typed lines, Ctrl-D, Ctrl-C) until it exits, then the run is again.
   */
  async runTool(argv: string[]): Promise<Pid | null> {
    const valid =
      Array.isArray(argv) &&
      argv.every((arg) => typeof arg === 'string') &&
      (CONSOLE_TOOLS as readonly string[]).includes(argv[0]);
    if (!valid) return null;
    const input = new StdinPipe();
    const job = { kind: 'tool', argv: argv.slice() } as const;
    const started = await this.start(0, null, argv.join(' '), job, 'tool', undefined, input);
    if (!('pid' in started)) return null;
    this.entries.push(started.pid);
    return started.pid;
  }

  writeStdin(text: string): void {
    this.consoleInput().write(utf8.encode(text));
  }

  closeStdin(): void {
    this.consoleInput().close();
  }

  endOfFile(): void {
    this.consoleInput().endOfFile();
  }

  /** Where typed text goes: the foreground process's input, or the run's (type-ahead). */
  private consoleInput(): StdinPipe {
    const fg = this.foreground();
    return (fg && this.stdin.get(fg.pid)) ?? this.terminal;
  }

  /** The console's size changed: every process reads the new one. */
  resize(columns: number, rows: number): void {
    if (!isTerminalSize(columns) || !isTerminalSize(rows)) return;
    const changed = columns !== this.terminalInfo.columns || rows !== this.terminalInfo.rows;
    Object.assign(this.terminalInfo, { columns, rows });
    for (const handle of this.handles.values()) handle.setTerminalSize(columns, rows);
    // A terminal tells its foreground process group with SIGWINCH (ignored unless handled).
    const fg = this.foreground();
    if (!changed || !fg) return;
    for (const p of this.table.group(fg.pgid)) {
      if (p.signals.wants(Signal.SIGWINCH)) this.signal(null, p.pid, Signal.SIGWINCH);
    }
  }

  /** Ctrl-C: SIGINT to every process of the foreground process group, as a terminal does. */
  interrupt(): void {
    const fg = this.foreground();
    if (!fg) return;
    for (const p of this.table.group(fg.pgid)) this.signal(null, p.pid, Signal.SIGINT);
  }

  /** Resolves when no process is left and the UI has been shown all their output. */
  async waitIdle(): Promise<void> {
    if (this.table.live().length > 0) {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
    await this.outbox.whenFlushed();
  }

  /** The process that Ctrl-C is for: the last entry still alive. */
  private foreground(): ProcessRecord | undefined {
    for (const pid of [...this.entries].reverse()) {
      const p = this.table.get(pid);
      if (p && p.state !== 'exited') return p;
    }
    return undefined;
  }

  private async start(
    ppid: Pid,
    pgid: Pid | null,
    name: string,
    job: Job,
    method: 'script' | 'tool' | StartMethod,
    inherit: {
      passFds: number[];
      sentinelFd: number | null;
      cwd: string;
      files: InheritedFile[];
    } = {
      passFds: [],
      sentinelFd: null,
      cwd: HOME,
      files: [],
    },
    consoleInput: StdinPipe = this.terminal,
  ): Promise<SpawnResult> {
    if (this.table.live().length >= this.options.processLimit) {
      this.outbox.notice('processLimit', String(this.options.processLimit));
      return { errno: Errno.EAGAIN };
    }
    const parent = this.table.get(ppid);
    const signals = new ProcessSignals(this.now, parent?.signals ?? null, method === 'fork');
    const record = this.table.create(ppid, pgid, name, signals);
    // Top-level processes read the console; children read end of file, as multiprocessing arranges.
    const stdin = ppid === 0 ? consoleInput : new StdinPipe();
    if (ppid !== 0) stdin.close();
    this.stdin.set(record.pid, stdin);
    if (ppid !== 0) this.ipc.inherit(ppid, record.pid, method === 'fork');
    const sentinel =
      ppid === 0
        ? null
        : this.fds.inherit(
            ppid,
            record.pid,
            method === 'fork' ? { fork: true, files: inherit.files } : { pass: inherit.passFds },
            inherit.sentinelFd,
          );
    this.trace.record({ type: 'spawn', pid: record.pid, ppid, name, method });
    this.outbox.tableChanged();

    let handle: ProcessHandle;
    try {
      handle = await this.host.launch(this.syscallsFor(record), (message) =>
        this.crashed(record, message),
      );
    } catch (error) {
      this.crashed(record, String(error));
      return { pid: record.pid, sentinel };
    }
    if (record.state === 'exited') {
      handle.terminate(); // killed while its worker was booting
      return { pid: record.pid, sentinel };
    }
    this.handles.set(record.pid, handle);
    handle.setTerminalSize(this.terminalInfo.columns, this.terminalInfo.rows);
    record.state = 'running';
    this.outbox.tableChanged();
    const request: ExecRequest = {
      pid: record.pid,
      ppid,
      cwd: inherit.cwd,
      volume: this.workspace.buffer,
      files: inherit.files,
      fileCounts: this.fds.fileCounts(record.pid),
      startMethod: this.startMethod,
      job,
      isatty: [...this.terminalInfo.isatty],
      ipc: { arena: this.ipc.arena, console: this.console.ring, fds: this.fds.list(record.pid) },
    };
    handle.exec(request).catch((error: unknown) => this.crashed(record, String(error)));
    return { pid: record.pid, sentinel };
  }

  private async spawnChild(
    self: ProcessRecord,
    request: SpawnRequest,
    files: InheritedFile[],
  ): Promise<SpawnResult> {
    if (typeof request?.name !== 'string' || !(request.payload instanceof Uint8Array)) {
      return { errno: Errno.EINVAL };
    }
    if (request.method !== 'fork' && request.method !== 'spawn') return { errno: Errno.EINVAL };
    const passFds = Array.isArray(request.passFds) ? request.passFds.filter(Number.isInteger) : [];
    const sentinelFd = Number.isInteger(request.sentinelFd) ? request.sentinelFd : null;
    const cwd = typeof request.cwd === 'string' && request.cwd.startsWith('/') ? request.cwd : HOME;
    const job: Job = { kind: 'child', method: request.method, payload: request.payload };
    return this.start(self.pid, self.pgid, request.name, job, request.method, {
      passFds,
      sentinelFd,
      cwd,
      files,
    });
  }

  /** The syscall table of one process: its identity is the closure, never a message field. */
  private syscallsFor(self: ProcessRecord): Syscalls {
    return {
      read: async (fd, max) => {
        const pipe = this.stdin.get(self.pid);
        if (fd !== 0 || !pipe || !(max > 0)) return { errno: Errno.EINVAL };
        for (;;) {
          const data = pipe.take(max);
          if (data) return data;
          const ready = pipe.ready();
          const interrupted = await this.block(self, 'input()', ready.promise);
          ready.cancel();
          if (interrupted) return EINTR;
        }
      },
      sleep: async (ms) => {
        if (!(ms >= 0)) return { errno: Errno.EINVAL };
        let timer: ReturnType<typeof setTimeout> | undefined;
        const elapsed = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
        const interrupted = await this.block(self, 'sleep', elapsed);
        clearTimeout(timer);
        return interrupted ? EINTR : 0;
      },
      spawn: async (request) => {
        // The worker lent each description once more for a forked child: the kernel owns those
        // references now, whatever comes of the request.
        const files =
          request?.method === 'fork' && Array.isArray(request.files) ? request.files : [];
        const started = await this.spawnChild(self, request, files);
        if ('errno' in started) this.fds.closeLent(files);
        return started;
      },
      ...ipcCallsFor(this.ipc, this.fds, self.pid),
      ...netCallsFor(this.net, self.pid, () => this.outbox.tableChanged()),
      ...ipcObserverCallsFor(this.ipc, self, this.trace, () => this.outbox.tableChanged()),
      waitpid: async (pid, timeoutMs) => {
        if (timeoutMs !== null && !(typeof timeoutMs === 'number' && timeoutMs >= 0)) {
          return { errno: Errno.EINVAL };
        }
        const child = this.table.get(pid);
        if (!child || child.ppid !== self.pid) return { errno: Errno.ECHILD };
        if (child.exitCode !== null) return { pid, exitCode: child.exitCode };
        if (timeoutMs === 0) return null;
        let timer: ReturnType<typeof setTimeout> | undefined;
        const waits: Promise<unknown>[] = [child.exited];
        if (timeoutMs !== null && timeoutMs > 0) {
          waits.push(new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))));
        }
        const interrupted = await this.block(self, `join(${pid})`, Promise.race(waits));
        clearTimeout(timer);
        if (interrupted) return EINTR;
        return child.exitCode === null ? null : { pid, exitCode: child.exitCode };
      },
      kill: async (pid, signal) =>
        Number.isInteger(pid) ? this.signal(self.pid, pid, signal) : { errno: Errno.EINVAL },
      ...signalCallsFor(this, self, (what, until) => this.block(self, what, until)),
      ...fileLockCallsFor(
        this.fileLocks,
        self.pid,
        (what, until) => this.block(self, what, until),
        () => self.state !== 'exited',
      ),

      exit: (code, unwritten) => {
        if (self.state === 'exited') return;
        for (const { fd, data } of Array.isArray(unwritten) ? unwritten : []) {
          if (data instanceof Uint8Array) this.console.append(self.pid, fd, data);
        }
        this.exited(self, Number.isInteger(code) ? code : 1);
      },
      threadStart: async () => {
        if (self.state === 'exited') return { errno: Errno.ESRCH };
        const tid = this.table.allocatePid();
        self.threads.set(tid, { tid, name: '', waitingOn: null });
        this.trace.record({ type: 'thread-start', pid: self.pid, tid });
        this.outbox.tableChanged();
        return tid;
      },
      threadName: (tid, name) => {
        const thread = self.threads.get(tid);
        if (!thread || typeof name !== 'string') return;
        thread.name = name.slice(0, 64);
        this.trace.record({ type: 'thread-name', pid: self.pid, tid, name: thread.name });
        this.outbox.tableChanged();
      },
      threadExit: (tid) => {
        if (!self.threads.delete(tid)) return;
        this.trace.record({ type: 'thread-exit', pid: self.pid, tid });
        this.outbox.tableChanged();
      },
      setSwitchInterval: (ms) => {
        if (typeof ms === 'number' && ms >= 0 && ms <= 60_000) {
          this.handles.get(self.pid)?.setSwitchInterval(ms);
        }
      },
    };
  }

  /**
   * Waits for `until` on behalf of a process, shown as blocked on `what`. Resolves true when a
   * signal or the process's death cut the wait short (EINTR).
   */
  private async block(
    self: ProcessRecord,
    what: string,
    until: Promise<unknown>,
  ): Promise<boolean> {
    if (self.state === 'exited' || this.handles.get(self.pid)?.signalPending()) return true;
    let call!: PendingCall;
    const interrupted = new Promise<boolean>(
      (resolve) => (call = { interrupt: () => resolve(true) }),
    );
    self.pending.add(call);
    self.state = 'blocked';
    self.waitingOn = what;
    this.outbox.tableChanged();
    const result = await Promise.race([until.then(() => false), interrupted]);
    self.pending.delete(call);
    if (self.state === 'blocked' && self.pending.size === 0) {
      self.state = 'running';
      self.waitingOn = null;
      this.outbox.tableChanged();
    }
    return result;
  }

  /** kill(2): `from` is null when the console (the user) sends it. */
  signal(from: Pid | null, to: Pid, signal: number): 0 | SysError {
    if (!Number.isInteger(signal) || signal < 0 || signal > SIGNAL_MAX) {
      return { errno: Errno.EINVAL };
    }
    const target = this.table.get(to);
    if (!target || target.state === 'exited') return { errno: Errno.ESRCH };
    if (signal === 0) return 0;
    this.trace.record({ type: 'signal', from, to, signal });
    if (!target.signals.holdIfBlocked(signal)) this.deliver(target, signal);
    return 0;
  }

  /** A signal's effect now: its Python handler runs (the process's blocking calls end with
   * EINTR, and the handler runs in its main thread), or its default action, or nothing. */
  deliver(target: ProcessRecord, signal: number): void {
    if (target.state === 'exited') return;
    const disposition =
      signal === Signal.SIGKILL ? Disposition.DEFAULT : target.signals.disposition(signal);
    if (disposition === Disposition.IGNORE) return;
    if (disposition === Disposition.DEFAULT) {
      // Stopping is not offered (see the README): SIGSTOP and its kin, and SIGCONT, do nothing.
      if (defaultAction(signal) !== 'terminate') return;
      this.handles.get(target.pid)?.terminate();
      this.exited(target, -signal);
      return;
    }
    this.handles.get(target.pid)?.raise(signal);
    for (const call of target.pending) call.interrupt();
  }

  private crashed(self: ProcessRecord, message: string): void {
    if (self.state === 'exited') return;
    this.console.append(self.pid, 2, utf8.encode(`procbox: ${message}\n`));
    this.handles.get(self.pid)?.terminate();
    this.exited(self, 1);
  }

  private exited(self: ProcessRecord, code: number): void {
    if (self.state === 'exited') return;
    self.state = 'exited';
    self.waitingOn = null;
    self.exitCode = code;
    self.markExited(code);
    for (const call of self.pending) call.interrupt();
    self.pending.clear();
    self.threads.clear();
    this.handles.get(self.pid)?.terminate();
    this.handles.delete(self.pid);
    this.stdin.delete(self.pid);
    // The volume's lock first, if the process died holding it: its files close under it.
    this.workspace.released(self.pid);
    this.fds.release(self.pid);
    this.ipc.release(self.pid);
    this.fileLocks.released(self.pid);
    this.console.exited(self.pid);
    self.signals.close();
    this.trace.record({ type: 'exit', pid: self.pid, code });
    this.outbox.tableChanged();
    // SIGCHLD goes to a parent that handles or blocks it (others ignore it).
    const parent = this.table.get(self.ppid);
    if (parent?.signals.wants(Signal.SIGCHLD)) this.signal(self.pid, parent.pid, Signal.SIGCHLD);
    if (this.table.live().length === 0) {
      this.outbox.files(this.workspace.changes());
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}
