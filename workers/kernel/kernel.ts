import type { SysError } from '../protocol/common';
import {
  CONSOLE_TOOLS,
  Disposition,
  Errno,
  SIGNAL_MAX,
  STDIO_CONSOLE,
  STDIO_FILE,
  STDIO_NULL,
  Signal,
} from '../protocol/constants';
import type { KernelObserver, Pid, RunRequest, StartMethod } from '../protocol/kernel';
import type {
  ExecCommand,
  ExecRequest,
  ForkSlot,
  ForkState,
  Job,
  SpawnRequest,
  SpawnResult,
  Syscalls,
} from '../protocol/process';
import { ConsoleOutput } from './console-output';
import { FdTable } from './fd-table';
import { ipcCallsFor, ipcObserverCallsFor } from './ipc-calls';
import { IpcTable } from './ipc-table';
import { netCallsFor } from './net-calls';
import { NetTable } from './net-table';
import { OutsideConnections } from './outside-connections';
import { Outbox } from './outbox';
import { processCallsFor } from './process-calls';
import { type PendingCall, type ProcessRecord, ProcessTable } from './process-table';
import { ProcessSignals, defaultAction } from './signals';
import { signalCallsFor } from './signal-calls';
import { StdinPipe } from './stdin';
import { Terminal } from './terminal';
import { Trace } from './trace';
import { WORKSPACE_SYNC_MS, Workspace } from './workspace';
import { FileLocks, fileLockCallsFor } from './file-locks';
import { DeadlockWatch, kernelWaitWorld } from './deadlock-watch';
import { FORK_SLOT_STATES_BYTES, freeForkSlot, isForkSlot } from '../ipc/fork-area';
import type { InheritedFile } from '../protocol/fs';

/** A booted process worker, as the kernel drives it. */
export interface ProcessHandle {
  exec(request: ExecRequest): Promise<void>;
  /** Marks a signal pending in the process's interrupt buffer and rings its doorbell. */
  raise(signal: number): void;
  /** A signal waits in the interrupt buffer: a blocking call must not start. */
  signalPending(): boolean;
  /** The process's close number `seq` is done (IpcSyscalls.fdClose). */
  closed(seq: number): void;
  /** The process's call number `seq` answered `value` (Syscalls.netNow). */
  answer(seq: number, value: unknown): void;
  /** Rings the doorbell every `ms` (green-thread preemption); 0 stops. */
  setSwitchInterval(ms: number): void;
  /** The terminal's size, as `os.get_terminal_size()` reports it. */
  setTerminalSize(columns: number, rows: number): void;
  /** Ends the process's worker at once; one that `halted` (it exited by itself and waits for
   * its end) may be torn down a moment later. */
  terminate(halted?: boolean): void;
}

/** Where processes come from: Web Workers in the browser, scripted processes in unit tests. */
export interface ProcessHost {
  /** A worker for a new process; the program wants `wanted` at once, this one's too
   * (ProcessTable `wantedAt`). */
  launch(
    syscalls: Syscalls,
    onCrash: (message: string) => void,
    wanted: number,
  ): Promise<ProcessHandle>;
}

export interface KernelOptions {
  processLimit: number;
  now?: () => number;
}

/** The working directory every process starts in; the workspace files live there. */
export const HOME = '/home/user';

const utf8 = new TextEncoder();
/** The longest a run's entry runs alone before the next starts (see `Kernel.run`). */
const ENTRY_SETTLE_MS = 1000;
/** How long after a signal's default action its process is seen to have died. */
const DEATH_DELAY_MS = 50;
/** A number kill(2) takes: 0 (only checks) to SIGNAL_MAX. */
const isSignal = (n: number) => Number.isInteger(n) && n >= 0 && n <= SIGNAL_MAX;

/** A process just made: its pid is valid at once; `launched` resolves once its worker runs it. */
interface Started {
  pid: Pid;
  sentinel: number | null;
  launched: Promise<void>;
}

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
  /** The page's own connections into the network (the Preview). */
  readonly outside: OutsideConnections;
  /** Killed by a signal's default action, their death not yet seen (see `deliver`). */
  private readonly dying = new Set<Pid>();
  /** Handled signals sent to a process whose worker is still booting: raised once it runs. */
  private readonly raisedEarly = new Map<Pid, number[]>();
  /** Bumped by every stop: a run starting its entries in turn gives up when it changes. */
  private runGeneration = 0;
  private readonly outbox: Outbox;
  private readonly console: ConsoleOutput;
  private readonly handles = new Map<Pid, ProcessHandle>();
  /** Which slots of the fork area are held, and the slot each child has yet to give back
   * (ipc/fork-area.ts). */
  private readonly forkSlotStates = new SharedArrayBuffer(FORK_SLOT_STATES_BYTES);
  private readonly forkSlots = new Map<Pid, ForkSlot>();
  /** The console: its input, size and foreground process. */
  private readonly terminal: Terminal;
  /** The one filesystem every process mounts. */
  readonly workspace = new Workspace();
  private readonly fileLocks = new FileLocks();
  private readonly deadlocks: DeadlockWatch;
  private readonly workspaceSync: ReturnType<typeof setInterval>;
  private startMethod: StartMethod = 'fork';
  private readonly now: () => number;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly host: ProcessHost,
    private readonly options: KernelOptions,
    observer: () => KernelObserver | null,
  ) {
    this.now = options.now ?? (() => performance.now());
    this.trace = new Trace(this.now);
    this.terminal = new Terminal(this.table, {
      sized: (columns, rows) => {
        for (const handle of this.handles.values()) handle.setTerminalSize(columns, rows);
      },
      signal: (to, signal) => this.signal(null, to, signal),
    });
    this.fds = new FdTable(this.ipc, {
      closeAll: (counts) => {
        // A flock goes with its description's last close, here as in any process's close.
        for (const d of this.workspace.closeAll(counts))
          this.fileLocks.dropOwner(`description:${d}`);
      },
    });
    this.net = new NetTable(this.ipc, this.fds, this.trace);
    this.outbox = new Outbox(
      observer,
      () => this.table.snapshot((pid) => this.net.describe(pid)),
      () => this.net.describeOutside(),
    );
    this.outside = new OutsideConnections(this.net, this.ipc, () => this.outbox.tableChangedSoon());
    this.console = new ConsoleOutput(
      this.ipc,
      this.ipc.newConsoleRing(),
      this.outbox,
      (at) => at + this.now() - (performance.timeOrigin + performance.now()),
    );
    this.outbox.sync = () => this.console.drain();
    this.deadlocks = new DeadlockWatch(
      kernelWaitWorld(this.table, this.ipc, this.fds),
      (report) => {
        this.trace.record({ type: 'deadlock', report });
        this.outbox.deadlock(report);
      },
      this.trace.now,
    );
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
    this.outside.closeAll();
  }

  /**
   * Starts a run: every previous process is killed, then each entry starts in order, as a
   * person would start them: the next once this one listens on a socket, waits in a blocking
   * call other than a sleep, has ended, or has run for a second (a server before its client).
   */
  async run(request: RunRequest): Promise<Pid[]> {
    this.stop();
    const generation = this.runGeneration;
    this.table.reap();
    this.trace.clear();
    this.deadlocks.clear();
    this.ipc.renumber();
    this.workspace.prepare(request.files);
    this.startMethod = request.startMethod;
    this.terminal.reset(request.terminal);
    const pids: Pid[] = [];
    for (const [index, path] of request.entries.entries()) {
      if (generation !== this.runGeneration) break; // stopped meanwhile, or another run began
      const started = this.start(0, null, path, { kind: 'script', path }, 'script');
      if (!('pid' in started)) continue;
      pids.push(started.pid);
      this.terminal.entered(started.pid);
      await started.launched; // the settle time counts from a running process, not a booting one
      if (index < request.entries.length - 1) await this.settled(started.pid, generation);
    }
    return pids; // not the console tools typed meanwhile: they are no entries
  }

  /** Resolves once entry `pid` is ready for the next one to start (see `run`). */
  private async settled(pid: Pid, generation: number): Promise<void> {
    const since = performance.now();
    for (;;) {
      const p = this.table.get(pid);
      if (!p || generation !== this.runGeneration) return;
      // A sleep is no sign of readiness (a server may sleep before it binds); the second is.
      if (p.state === 'exited' || (p.state === 'blocked' && p.waitingOn !== 'sleep')) return;
      const serving = this.net.describe(pid).some((s) => s.state === 'LISTEN' || s.state === 'UDP');
      if (serving || performance.now() - since >= ENTRY_SETTLE_MS) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Ends every process at once (and the run's entries not yet started). */
  stop(): void {
    this.runGeneration += 1;
    for (const p of this.table.live()) this.signal(null, p.pid, Signal.SIGKILL, true);
  }

  /**
   * Starts a console tool in a process group of its own, reading a console input of its own:
   * it is the foreground (typed lines, Ctrl-D, Ctrl-C) until it exits, then the run is again.
   * A `background` one (`cmd &`) leaves the foreground as it is, until `foreground` hands it
   * over; its reads wait until then, as a background job's on a terminal.
   */
  async runTool(argv: string[], background = false): Promise<Pid | null> {
    const valid =
      Array.isArray(argv) &&
      argv.every((arg) => typeof arg === 'string') &&
      (CONSOLE_TOOLS as readonly string[]).includes(argv[0]);
    if (!valid) return null;
    const input = new StdinPipe();
    const job = { kind: 'tool', argv: argv.slice() } as const;
    const started = this.start(0, null, argv.join(' '), job, 'tool', undefined, input);
    if (!('pid' in started)) return null;
    await started.launched;
    if (background !== true) this.terminal.entered(started.pid);
    return started.pid;
  }

  /** `fg`: the live top-level process `pid` becomes the console's foreground; false if none. */
  foreground(pid: Pid): boolean {
    const p = this.table.get(pid);
    if (!p || p.ppid !== 0 || p.state === 'exited') return false;
    this.terminal.entered(pid);
    return true;
  }

  writeStdin(text: string): void {
    this.terminal.write(text);
  }

  closeStdin(): void {
    this.terminal.close();
  }

  endOfFile(): void {
    this.terminal.endOfFile();
  }

  /** The console's size changed: every process reads the new one. */
  resize(columns: number, rows: number): void {
    this.terminal.resize(columns, rows);
  }

  /** Ctrl-C: SIGINT to every process of the foreground process group, as a terminal does. */
  interrupt(): void {
    this.terminal.interrupt();
  }

  /** Resolves when no process is left and the UI has been shown all their output. */
  async waitIdle(): Promise<void> {
    if (this.table.live().length > 0) {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
    await this.outbox.whenFlushed();
  }

  private start(
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
      /** A command's fds 0, 1 and 2 (`SpawnRequest.command`). */
      stdio?: [number, number, number];
    } = {
      passFds: [],
      sentinelFd: null,
      cwd: HOME,
      files: [],
    },
    consoleInput?: StdinPipe,
  ): Started | SysError {
    if (this.table.live().length >= this.options.processLimit) {
      this.outbox.notice('processLimit', String(this.options.processLimit));
      return { errno: Errno.EAGAIN };
    }
    const parent = this.table.get(ppid);
    const signals = new ProcessSignals(this.now, parent?.signals ?? null, method === 'fork');
    // What /proc/PID/cmdline shows: a multiprocessing child runs its parent's program.
    const argv =
      job.kind === 'script'
        ? ['python3', job.path]
        : job.kind === 'child'
          ? (parent?.argv.slice() ?? ['python3'])
          : job.argv.slice();
    // A new session (start_new_session) has no controlling terminal.
    const tty = ppid === 0 || (pgid !== null && (parent?.tty ?? false));
    const record = this.table.create(ppid, pgid, name, signals, argv, tty);
    if (parent) parent.startsSinceWait += 1;
    // A command whose stdin is the console reads what its parent reads (a shell's `python`).
    const readsConsole =
      job.kind === 'command' && (inherit.stdio?.[0] ?? STDIO_CONSOLE) === STDIO_CONSOLE;
    this.terminal.attach(record.pid, ppid === 0, consoleInput, readsConsole ? ppid : undefined);
    if (ppid !== 0) this.ipc.inherit(ppid, record.pid, method === 'fork');
    const sentinel =
      ppid === 0
        ? null
        : this.fds.inherit(
            ppid,
            record.pid,
            method === 'fork'
              ? { fork: true, files: inherit.files }
              : { pass: inherit.passFds, stdio: inherit.stdio, files: inherit.files },
            inherit.sentinelFd,
          );
    this.trace.record({ type: 'spawn', pid: record.pid, ppid, name, method });
    this.outbox.tableChanged();
    const launched = this.launch(record, job, inherit.cwd, inherit.files, inherit.stdio);
    return { pid: record.pid, sentinel, launched };
  }

  /** Boots a worker for `record` and runs `job` there: a new process's, or an exec's. */
  private async launch(
    record: ProcessRecord,
    job: Job,
    cwd: string,
    files: InheritedFile[],
    stdio: [number, number, number] | undefined,
  ): Promise<void> {
    let handle: ProcessHandle;
    try {
      handle = await this.host.launch(
        this.syscallsFor(record),
        (message) => this.crashed(record, message),
        this.table.wantedAt(record),
      );
    } catch (error) {
      this.crashed(record, String(error));
      return;
    }
    if (record.state === 'exited') {
      handle.terminate(); // killed while its worker was booting
      return;
    }
    this.handles.set(record.pid, handle);
    handle.setTerminalSize(this.terminal.info.columns, this.terminal.info.rows);
    record.state = 'running';
    this.outbox.tableChanged();
    const request: ExecRequest = {
      pid: record.pid,
      ppid: record.ppid,
      cwd,
      volume: this.workspace.buffer,
      files,
      fileCounts: this.fds.fileCounts(record.pid),
      startMethod: this.startMethod,
      job,
      isatty: this.terminal.info.isatty.map(
        (tty, fd) => tty && (stdio?.[fd] ?? STDIO_CONSOLE) === STDIO_CONSOLE,
      ) as [boolean, boolean, boolean],
      ipc: {
        arena: this.ipc.arena,
        console: this.console.ring,
        ports: this.net.portDirectory,
        forkSlots: this.forkSlotStates,
        fds: this.fds.list(record.pid),
      },
    };
    handle.exec(request).catch((error: unknown) => this.crashed(record, String(error)));
    for (const signal of this.raisedEarly.get(record.pid) ?? []) handle.raise(signal);
    this.raisedEarly.delete(record.pid);
  }

  /**
   * execve(2): `self` runs `request`'s command in a new worker, as the same pid, parent and
   * group. What its old program held goes as at an exit, but the descriptors it keeps; the
   * signals it handled are back to their default.
   */
  private async exec(self: ProcessRecord, request: ExecCommand): Promise<void> {
    if (this.gone(self)) return;
    for (const { fd, data } of Array.isArray(request?.unwritten) ? request.unwritten : []) {
      if (data instanceof Uint8Array) this.console.append(self.pid, fd, data);
    }
    const files = Array.isArray(request?.files) ? request.files : [];
    const command = commandJob(request);
    const cwd =
      typeof request?.cwd === 'string' && request.cwd.startsWith('/') ? request.cwd : HOME;
    this.handles.get(self.pid)?.terminate();
    this.handles.delete(self.pid);
    for (const call of self.pending) call.interrupt();
    self.pending.clear();
    self.threads.clear();
    this.workspace.released(self.pid);
    this.ipc.release(self.pid);
    if (!command) {
      this.fds.closeLent(files);
      this.exited(self, 127); // past the point of no return, as a failed execve after it
      return;
    }
    const passFds = Array.isArray(request.passFds) ? request.passFds.filter(Number.isInteger) : [];
    this.fds.exec(self.pid, { pass: passFds, stdio: command.stdio, files });
    const signals = new ProcessSignals(this.now, self.signals);
    signals.pending = self.signals.pending;
    self.signals.close();
    self.signals = signals;
    self.name = command.job.argv.join(' ');
    self.argv = command.job.argv.slice();
    self.state = 'starting';
    self.waitingOn = null;
    this.trace.record({ type: 'exec', pid: self.pid, name: self.name });
    this.outbox.tableChanged();
    await this.launch(self, command.job, cwd, files, command.stdio);
  }

  private spawnChild(
    self: ProcessRecord,
    request: SpawnRequest,
    files: InheritedFile[],
  ): SpawnResult {
    if (typeof request?.name !== 'string' || !(request.payload instanceof Uint8Array)) {
      return { errno: Errno.EINVAL };
    }
    if (request.method !== 'fork' && request.method !== 'spawn') return { errno: Errno.EINVAL };
    const passFds = Array.isArray(request.passFds) ? request.passFds.filter(Number.isInteger) : [];
    const sentinelFd = Number.isInteger(request.sentinelFd) ? request.sentinelFd : null;
    const cwd = typeof request.cwd === 'string' && request.cwd.startsWith('/') ? request.cwd : HOME;
    let job: Job = { kind: 'child', method: request.method, payload: request.payload };
    if (request.method === 'fork') {
      if (!isForkState(request.fork)) return { errno: Errno.EINVAL };
      job.fork = request.fork;
    }
    let pgid: Pid | null = self.pgid;
    let redirect: [number, number, number] | undefined;
    if (request.command !== undefined) {
      const command = commandJob(request.command);
      if (!command) return { errno: Errno.EINVAL };
      job = command.job;
      if (request.command.newSession === true) pgid = null;
      redirect = command.stdio;
    }
    // As fork(2) and posix_spawn(2) do, the call returns the child's pid at once; its worker
    // boots meanwhile (a burst of starts would otherwise wait for each boot in turn).
    const started = this.start(self.pid, pgid, request.name, job, request.method, {
      passFds,
      sentinelFd,
      cwd,
      files,
      stdio: redirect,
    });
    // A fork image in the fork area is given back by the child once restored, or here.
    const imageSlot = job.kind === 'child' ? job.fork?.imageSlot : null;
    if (imageSlot && 'pid' in started) this.forkSlots.set(started.pid, imageSlot);
    else if (imageSlot) freeForkSlot(this.forkSlotStates, imageSlot);
    return 'pid' in started ? { pid: started.pid, sentinel: started.sentinel } : started;
  }

  /** The syscall table of one process: its identity is the closure, never a message field. */
  private syscallsFor(self: ProcessRecord): Syscalls {
    const block = (what: string, until: Promise<unknown>) => this.block(self, what, until);
    const closed = (seq: number) => this.handles.get(self.pid)?.closed(seq);
    const processes = {
      table: this.table,
      trace: this.trace,
      stdinOf: (pid: Pid) => this.terminal.stdinOf(pid),
      foregroundGroup: () => this.terminal.foregroundGroup(),
      tableChanged: () => this.outbox.tableChanged(),
    };
    return {
      ...processCallsFor(processes, self, block),
      exec: async (request) => {
        await this.exec(self, request);
        return 0;
      },
      spawn: async (request) => {
        // The worker lent each description once more for a forked child: the kernel owns those
        // references now, whatever comes of the request.
        const files = Array.isArray(request?.files) ? request.files : [];
        const started = this.gone(self)
          ? ({ errno: Errno.ESRCH } as const)
          : this.spawnChild(self, request, files);
        if ('errno' in started) this.fds.closeLent(files);
        return started;
      },
      ...ipcCallsFor(this.ipc, this.fds, self.pid, closed),
      ...netCallsFor(
        this.net,
        self.pid,
        () => this.outbox.tableChangedSoon(),
        (seq, value) => this.handles.get(self.pid)?.answer(seq, value),
      ),
      ...ipcObserverCallsFor(
        this.ipc,
        self,
        this.trace,
        () => this.outbox.tableChangedSoon(),
        (op, sem, tid) => this.deadlocks.semOp(op, sem, self.pid, tid),
      ),
      quiet: (threads) => {
        if (self.state === 'exited') return;
        this.deadlocks.quiet(self.pid, Array.isArray(threads) ? threads : null);
      },
      kill: async (pid, signal) => this.kill(self, pid, signal),
      ...signalCallsFor(this, self, block),
      ...fileLockCallsFor(this.fileLocks, self.pid, block, () => self.state !== 'exited', closed),

      exit: (code, unwritten) => {
        if (this.gone(self)) return; // ended already, or dying of a signal
        for (const { fd, data } of Array.isArray(unwritten) ? unwritten : []) {
          if (data instanceof Uint8Array) this.console.append(self.pid, fd, data);
        }
        this.handles.get(self.pid)?.terminate(true); // its worker halts after this call
        this.exited(self, Number.isInteger(code) ? code : 1);
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
    this.trace.record({ type: 'wait', pid: self.pid, tid: self.pid, on: what });
    this.outbox.tableChanged();
    const result = await Promise.race([until.then(() => false), interrupted]);
    self.pending.delete(call);
    if (self.state === 'blocked' && self.pending.size === 0) {
      self.state = 'running';
      self.waitingOn = null;
      this.trace.record({ type: 'wait', pid: self.pid, tid: self.pid, on: null });
      this.outbox.tableChanged();
    }
    return result;
  }

  /** kill(2): `from` is null when the console (the user) sends it; `now`: a death it causes is
   * seen at once (Stop), not a moment later (see `deliver`). */
  signal(from: Pid | null, to: Pid, signal: number, now = false): 0 | SysError {
    if (!isSignal(signal)) return { errno: Errno.EINVAL };
    const target = this.table.get(to);
    if (!target || target.state === 'exited') return { errno: Errno.ESRCH };
    if (signal === 0) return 0;
    this.trace.record({ type: 'signal', from, to, signal });
    if (!target.signals.holdIfBlocked(signal)) this.deliver(target, signal, now);
    return 0;
  }

  /** kill(2): to process `pid`, or (0) the caller's group, (-1) every other process, or
   * (below -1) group `-pid`; the caller last, should it be among them. */
  private kill(self: ProcessRecord, pid: Pid, signal: number): 0 | SysError {
    if (!Number.isInteger(pid) || !isSignal(signal)) return { errno: Errno.EINVAL };
    if (pid > 0) return this.signal(self.pid, pid, signal);
    const targets =
      pid === -1
        ? this.table.live().filter((p) => p !== self)
        : this.table.group(pid === 0 ? self.pgid : -pid);
    if (targets.length === 0) return { errno: Errno.ESRCH };
    targets.sort((a, b) => Number(a === self) - Number(b === self));
    for (const p of targets) this.signal(self.pid, p.pid, signal);
    return 0;
  }

  /** A signal's effect now: its Python handler runs (the process's blocking calls end with
   * EINTR, and the handler runs in its main thread), or its default action, or nothing. */
  deliver(target: ProcessRecord, signal: number, now = false): void {
    if (target.state === 'exited') return;
    if (this.dying.has(target.pid) && !now) return;
    const disposition =
      signal === Signal.SIGKILL ? Disposition.DEFAULT : target.signals.disposition(signal);
    if (disposition === Disposition.IGNORE) return;
    if (disposition === Disposition.DEFAULT) {
      // Stopping is not offered (see the README): SIGSTOP and its kin, and SIGCONT, do nothing.
      if (defaultAction(signal) !== 'terminate') return;
      this.handles.get(target.pid)?.terminate();
      if (now) {
        this.dying.delete(target.pid);
        this.exited(target, -signal);
        return;
      }
      // Linux delivers the signal, and the process dies, a moment after kill(2) returns: a
      // parent asking right after `terminate()` still finds its child alive, as the
      // multiprocessing docs' example shows.
      this.dying.add(target.pid);
      setTimeout(() => {
        this.dying.delete(target.pid);
        this.exited(target, -signal);
      }, DEATH_DELAY_MS);
      return;
    }
    const handle = this.handles.get(target.pid);
    if (handle) handle.raise(signal);
    else this.raisedEarly.set(target.pid, [...(this.raisedEarly.get(target.pid) ?? []), signal]);
    for (const call of target.pending) call.interrupt();
  }

  /** Ended, or dying of a signal (see `deliver`): a call its worker sent before it was ended
   * still arrives, and must change nothing (no exit code of its own, no child, no exec). */
  private gone(self: ProcessRecord): boolean {
    return self.state === 'exited' || this.dying.has(self.pid);
  }

  private crashed(self: ProcessRecord, message: string): void {
    if (this.gone(self)) return;
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
    this.raisedEarly.delete(self.pid);
    for (const call of self.pending) call.interrupt();
    self.pending.clear();
    self.threads.clear();
    this.handles.get(self.pid)?.terminate();
    this.handles.delete(self.pid);
    this.terminal.exited(self.pid);
    // The volume's lock first, if the process died holding it: its files close under it.
    this.workspace.released(self.pid);
    this.fds.release(self.pid);
    this.ipc.release(self.pid);
    const imageSlot = this.forkSlots.get(self.pid);
    if (imageSlot) freeForkSlot(this.forkSlotStates, imageSlot); // it ended before its restore
    this.forkSlots.delete(self.pid);
    this.fileLocks.released(self.pid);
    this.console.exited(self.pid);
    self.signals.close();
    this.trace.record({ type: 'exit', pid: self.pid, code });
    this.outbox.tableChanged();
    this.deadlocks.exited(self.pid);
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

/** A command's job and standard streams, from a request checked field by field; null when it
 * is malformed. */
function commandJob(
  command: Pick<ExecCommand, 'argv' | 'env' | 'stdio'> | undefined,
): { job: Job & { kind: 'command' }; stdio: [number, number, number] } | null {
  const strings = (list: unknown): list is string[] =>
    Array.isArray(list) && list.every((item) => typeof item === 'string');
  if (!strings(command?.argv) || command.argv.length === 0) return null;
  if (command.env !== null && !strings(command.env)) return null;
  const stdio = Array.isArray(command.stdio) ? command.stdio : [];
  if (stdio.length !== 3 || !stdio.every((fd) => Number.isInteger(fd) && fd >= STDIO_FILE)) {
    return null;
  }
  const job = {
    kind: 'command' as const,
    argv: command.argv.slice(),
    env: command.env?.slice() ?? null,
    devNull: [0, 1, 2].filter((fd) => stdio[fd] === STDIO_NULL),
    redirected: [0, 1, 2].filter((fd) => stdio[fd] !== STDIO_CONSOLE),
  };
  return { job, stdio: stdio as [number, number, number] };
}

/** A fork's state as the parent's worker sent it (runtime/fork-image.ts). */
function isForkState(state: ForkState | undefined): state is ForkState {
  return (
    typeof state === 'object' &&
    state !== null &&
    Number.isInteger(state.imageLength) &&
    Number.isInteger(state.imageBase) &&
    state.imagePages instanceof Uint8Array &&
    (state.imageSlot === null || isForkSlot(state.imageSlot)) &&
    Array.isArray(state.jsRefs) &&
    Array.isArray(state.interned) &&
    Array.isArray(state.sharedBlocks) &&
    Array.isArray(state.fileMappings)
  );
}
