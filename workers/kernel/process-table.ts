import type { Pid, ProcessInfo, ProcessState, ThreadInfo } from '../protocol/kernel';
import type { SocketInfo } from '../protocol/net';
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
  state: ProcessState;
  waitingOn: string | null;
  exitCode: number | null;
  /** Its parent has waited for it since it ended (a zombie no more). */
  reaped: boolean;
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

  create(ppid: Pid, pgid: Pid | null, name: string, signals: ProcessSignals): ProcessRecord {
    const pid = this.allocatePid();
    let markExited!: (code: number) => void;
    const exited = new Promise<number>((resolve) => (markExited = resolve));
    const record: ProcessRecord = {
      pid,
      ppid,
      pgid: pgid ?? pid,
      name,
      state: 'starting',
      waitingOn: null,
      exitCode: null,
      reaped: false,
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
