/**
 * The kernel's side of deadlock detection: it keeps each quiet process's report and who holds
 * each multiprocessing lock or semaphore (from the operations the trace records), and, once
 * the reports have stood still a moment, asks `findDeadlock` (deadlock.ts). A deadlock is
 * announced once.
 */
import type { Pid } from '../protocol/common';
import type { DeadlockReport, StuckThread } from '../protocol/deadlock';
import { ringPoll } from '../ipc/ring';
import { semValue } from '../ipc/semaphore';
import { findDeadlock, type WaitWorld } from './deadlock';
import type { FdTable } from './fd-table';
import type { IpcTable } from './ipc-table';
import type { ProcessTable } from './process-table';

/** Reports must stand this long unchanged: a wake-up already on its way withdraws one. */
const SETTLE_MS = 100;

export class DeadlockWatch {
  private readonly reports = new Map<Pid, StuckThread[]>();
  private readonly holders = new Map<number, { pid: Pid; tid: Pid }[]>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The deadlock said last: a thread that wakes from a capped wait and parks again on the
   * same thing (as `Connection.recv` does every second) does not make it news. */
  private announced: string | null = null;

  constructor(
    /** The kernel's view of everything but the reports and holders, which this keeps. */
    private readonly world: (
      reports: (pid: Pid) => StuckThread[] | null,
      holders: (sem: number) => { pid: Pid; tid: Pid }[],
    ) => WaitWorld,
    private readonly found: (report: DeadlockReport) => void,
    private readonly traceNow: () => number,
  ) {}

  /** A process's report (null: one of its threads runs again). */
  quiet(pid: Pid, threads: StuckThread[] | null): void {
    if (threads === null) {
      this.reports.delete(pid);
      return;
    }
    // From the clock all workers share to the trace's.
    const offset = this.traceNow() - (performance.timeOrigin + performance.now());
    for (const { wait } of threads) {
      wait.since =
        typeof wait.since === 'number' ? Math.min(wait.since + offset, this.traceNow()) : undefined;
    }
    this.reports.set(pid, threads);
    this.settle();
  }

  /** A process ended: those waiting for it may be stuck for good now, or freed. */
  exited(pid: Pid): void {
    this.reports.delete(pid);
    this.settle();
  }

  /** An acquire or release of a multiprocessing lock or semaphore, as the trace records it. */
  semOp(op: string, sem: number, pid: Pid, tid: Pid): void {
    const held = this.holders.get(sem) ?? [];
    if (op === 'acquire') held.push({ pid, tid });
    else if (op === 'release') {
      const mine = held.findIndex((h) => h.pid === pid && h.tid === tid);
      held.splice(mine >= 0 ? mine : 0, 1);
    } else return;
    if (held.length > 0) this.holders.set(sem, held);
    else this.holders.delete(sem);
  }

  clear(): void {
    clearTimeout(this.timer);
    this.reports.clear();
    this.holders.clear();
    this.announced = null;
  }

  private settle(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.decide(), SETTLE_MS);
  }

  private decide(): void {
    const world = this.world(
      (pid) => this.reports.get(pid) ?? null,
      (sem) => this.holders.get(sem) ?? [],
    );
    let report: DeadlockReport | null;
    try {
      report = findDeadlock(world);
    } catch {
      report = null; // a report that names what is not there (a process's own layer lied)
    }
    if (!report) return;
    const said = JSON.stringify(
      report.stuck.map(({ pid, tid, waits, object }) => [pid, tid, waits, object]),
    );
    if (said === this.announced) return;
    this.announced = said;
    this.found(report);
  }
}

/** The detector's view of this kernel: its live processes, arena and descriptors. */
export function kernelWaitWorld(table: ProcessTable, ipc: IpcTable, fds: FdTable) {
  return (
    reports: (pid: Pid) => StuckThread[] | null,
    holders: (sem: number) => { pid: Pid; tid: Pid }[],
  ): WaitWorld => {
    const live = table.live();
    return {
      processes: live.map((p) => ({
        pid: p.pid,
        name: p.name,
        threads: new Map([...p.threads.values()].map((t) => [t.tid, t.name])),
        // Starting, or with an alarm to come, it may yet do something.
        stuck: p.state === 'starting' || p.signals.timerArmed ? null : reports(p.pid),
      })),
      semValue: (sem) => semValue(ipc.words, sem),
      semHolders: holders,
      describe: (object) => ipc.describe(object),
      fd: (pid, fd) => fds.get(pid, fd),
      ringEvents: (ring, end) => ringPoll(ipc.words, ring, end),
      ringHolders: (ring, end) => fds.ringHolders(ring, end),
      children: (pid) => live.filter((p) => p.ppid === pid).map((p) => p.pid),
    };
  };
}
