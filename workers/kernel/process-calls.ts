/** The calls of one process about itself: reading its input, sleeping, waiting for a child,
 * and its threads (protocol/process.ts `Syscalls`). */
import { Errno } from '../protocol/constants';
import type { Pid } from '../protocol/kernel';
import type { Syscalls } from '../protocol/process';
import type { ProcessRecord, ProcessTable } from './process-table';
import type { StdinPipe } from './stdin';
import type { Trace } from './trace';

const EINVAL = { errno: Errno.EINVAL } as const;
const EINTR = { errno: Errno.EINTR } as const;

/** What the calls need of the kernel. */
export interface ProcessKernel {
  readonly table: ProcessTable;
  readonly trace: Trace;
  stdinOf(pid: Pid): StdinPipe | undefined;
  /** The console's foreground process group, if a process holds it. */
  foregroundGroup(): Pid | undefined;
  tableChanged(): void;
}

export type ProcessSyscalls = Pick<
  Syscalls,
  'read' | 'sleep' | 'waitpid' | 'processes' | 'threadStart' | 'threadName' | 'threadExit'
>;

/** `block(what, until)` waits on behalf of the process; true when a signal cut it short. */
export function processCallsFor(
  kernel: ProcessKernel,
  self: ProcessRecord,
  block: (what: string, until: Promise<unknown>) => Promise<boolean>,
): ProcessSyscalls {
  const { table, trace } = kernel;
  return {
    read: async (fd, max) => {
      const pipe = kernel.stdinOf(self.pid);
      if (fd !== 0 || !pipe || !(max > 0)) return EINVAL;
      for (;;) {
        const data = pipe.take(max);
        if (data) return data;
        const ready = pipe.ready();
        const interrupted = await block('input()', ready.promise);
        ready.cancel();
        if (interrupted) return EINTR;
      }
    },
    // The process is shown asleep for `ms`; its own timer wakes it (procbox/kernel.py does not
    // wait for this reply), and a signal that comes meanwhile ends the showing.
    sleep: async (ms) => {
      if (!(ms >= 0)) return EINVAL;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const elapsed = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
      const interrupted = await block('sleep', elapsed);
      clearTimeout(timer);
      return interrupted ? EINTR : 0;
    },
    waitpid: async (pid, timeoutMs) => {
      if (timeoutMs !== null && !(typeof timeoutMs === 'number' && timeoutMs >= 0)) return EINVAL;
      if (!Number.isInteger(pid)) return EINVAL;
      if (timeoutMs !== 0) self.startsSinceWait = 0; // waits for its children: not a burst
      const group = pid === 0 ? self.pgid : -pid;
      const chosen = (c: ProcessRecord) =>
        pid > 0 ? c.pid === pid : pid === -1 || c.pgid === group;
      let timedOut = timeoutMs === 0;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const deadline = new Promise<void>((resolve) => {
        if (timeoutMs !== null && timeoutMs > 0) {
          timer = setTimeout(() => ((timedOut = true), resolve()), timeoutMs);
        }
      });
      try {
        for (let woken = false; ; woken = true) {
          const children = table.childrenOf(self.pid).filter(chosen);
          // One that ended while this call waited for it is this call's, reaped or not.
          const ended =
            children.find((c) => c.exitCode !== null && !c.reaped) ??
            (woken && pid > 0 ? children.find((c) => c.exitCode !== null) : undefined);
          if (ended) {
            ended.reaped = true;
            trace.record({ type: 'reap', pid: self.pid, child: ended.pid });
            return { pid: ended.pid, exitCode: ended.exitCode as number };
          }
          if (!children.some((c) => !c.reaped)) return { errno: Errno.ECHILD };
          if (timedOut) return null;
          const what = pid > 0 ? `join(${pid})` : 'wait()';
          const exits = children.filter((c) => c.exitCode === null).map((c) => c.exited);
          if (await block(what, Promise.race([...exits, deadline]))) return EINTR;
        }
      } finally {
        clearTimeout(timer);
      }
    },
    processes: async () => table.rows(kernel.foregroundGroup()),
    threadStart: async () => {
      if (self.state === 'exited') return { errno: Errno.ESRCH };
      const tid = table.allocatePid();
      self.threads.set(tid, { tid, name: '', waitingOn: null });
      trace.record({ type: 'thread-start', pid: self.pid, tid });
      kernel.tableChanged();
      return tid;
    },
    threadName: (tid, name) => {
      const thread = self.threads.get(tid);
      if (!thread || typeof name !== 'string') return;
      thread.name = name.slice(0, 64);
      trace.record({ type: 'thread-name', pid: self.pid, tid, name: thread.name });
      kernel.tableChanged();
    },
    threadExit: (tid) => {
      if (!self.threads.delete(tid)) return;
      trace.record({ type: 'thread-exit', pid: self.pid, tid });
      kernel.tableChanged();
    },
  };
}
