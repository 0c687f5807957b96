import type { Pid, ProcessInfo, ProcessState, ThreadInfo } from '../protocol/kernel';
import type { SocketInfo } from '../protocol/net';
import type { ProcessRow } from '../protocol/process';
import type { ProcessSignals } from './signals';

/** A blocking syscall in flight: a signal or the process's death ends it early. */
export interface PendingCall {
  interrupt(): void;
}

export interface ProcessRecord {
  pid: Pid;
  ppid: Pid;
  pgid: Pid;
  name: string;
  /** Its command line, as /proc/PID/cmdline holds it (what `ps -f` shows). */
  argv: string[];
  /** Whether the console is its controlling terminal (not after `start_new_session`). */
  tty: boolean;
  /** When it started, in milliseconds since the epoch (`ps`'s STIME). */
  started: number;
  state: ProcessState;
  waitingOn: string | null;
  exitCode: number | null;
  /** Its parent has waited for it since it ended (a zombie no more). */
  reaped: boolean;
  /** Children it started since it last waited for one (a blocking `waitpid`): a burst of
   * `start()` calls counts whole, though each `start()` reaps the children already ended. */
  startsSinceWait: number;
  pending: Set<PendingCall>;
  /** Running threads besides the main one, by TID. */
  threads: Map<Pid, ThreadInfo>;
  signals: ProcessSignals;
  /** Resolved by the process's exit; `waitpid` races it against a timer. */
  exited: Promise<number>;
  markExited(code: number): void;
}

/** The kernel's process table: pids are never reused within a session, as a learner expects. */
export class ProcessTable {
  private readonly records = new Map<Pid, ProcessRecord>();
  private nextPid = 1;

  /** A process or a thread id: Linux takes both from one number space. */
  allocatePid(): Pid {
    return this.nextPid++;
  }

  create(
    ppid: Pid,
    pgid: Pid | null,
    name: string,
    signals: ProcessSignals,
    argv: string[],
    tty: boolean,
  ): ProcessRecord {
    const pid = this.allocatePid();
    let markExited!: (code: number) => void;
    const exited = new Promise<number>((resolve) => (markExited = resolve));
    const record: ProcessRecord = {
      pid,
      ppid,
      pgid: pgid ?? pid,
      name,
      argv,
      tty,
      started: Date.now(),
      state: 'starting',
      waitingOn: null,
      exitCode: null,
      reaped: false,
      startsSinceWait: 0,
      pending: new Set(),
      threads: new Map(),
      signals,
      exited,
      markExited,
    };
    this.records.set(pid, record);
    return record;
  }

  get(pid: Pid): ProcessRecord | undefined {
    return this.records.get(pid);
  }

  live(): ProcessRecord[] {
    return [...this.records.values()].filter((p) => p.state !== 'exited');
  }

  childrenOf(ppid: Pid): ProcessRecord[] {
    return [...this.records.values()].filter((p) => p.ppid === ppid);
  }

  group(pgid: Pid): ProcessRecord[] {
    return this.live().filter((p) => p.pgid === pgid);
  }

  /** The live processes, and the zombies, whose parent lives and has not waited for them. */
  private present(): ProcessRecord[] {
    const alive = (pid: Pid) => this.records.get(pid)?.state !== 'exited';
    return [...this.records.values()].filter(
      (p) => p.state !== 'exited' || (!p.reaped && p.ppid !== 0 && alive(p.ppid)),
    );
  }

  /** How many processes a program wants workers for at once, as far as the table tells, as
   * `record` starts: those present, or its parent and the children it started since it last
   * waited for one, however soon they ended. */
  wantedAt(record: ProcessRecord): number {
    const parent = this.records.get(record.ppid);
    return Math.max(this.present().length, parent ? parent.startsSinceWait + 1 : 1);
  }

  /** What `ps` lists: the processes present; `foreground` is the console's foreground
   * process group. */
  rows(foreground: Pid | undefined): ProcessRow[] {
    return this.present().map((p) => ({
      pid: p.pid,
      ppid: p.ppid,
      pgid: p.pgid,
      argv: p.argv.slice(),
      state: p.state === 'exited' ? 'Z' : p.state === 'blocked' ? 'S' : 'R',
      threads: p.threads.size,
      tty: p.tty,
      foreground: p.tty && p.pgid === foreground,
      started: p.started,
    }));
  }

  /** Forgets exited processes, as a new run starts. */
  reap(): void {
    for (const [pid, p] of this.records) if (p.state === 'exited') this.records.delete(pid);
  }

  /** The table as the UI shows it; `sockets` tells what each live process holds. */
  snapshot(sockets: (pid: Pid) => SocketInfo[] = () => []): ProcessInfo[] {
    return [...this.records.values()].map(
      ({ pid, ppid, pgid, name, state, waitingOn, exitCode, threads }) => ({
        pid,
        ppid,
        pgid,
        name,
        state,
        waitingOn,
        exitCode,
        threads: [...threads.values()].map((t) => ({ ...t })),
        sockets: state === 'exited' ? [] : sockets(pid),
      }),
    );
  }
}
