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
  tableChanged(): void;
}

export type ProcessSyscalls = Pick<
  Syscalls,
  'read' | 'sleep' | 'waitpid' | 'threadStart' | 'threadName' | 'threadExit'
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
      const child = table.get(pid);
      if (!child || child.ppid !== self.pid) return { errno: Errno.ECHILD };
      if (child.exitCode !== null) return { pid, exitCode: child.exitCode };
      if (timeoutMs === 0) return null;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const waits: Promise<unknown>[] = [child.exited];
      if (timeoutMs !== null && timeoutMs > 0) {
        waits.push(new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))));
      }
      const interrupted = await block(`join(${pid})`, Promise.race(waits));
      clearTimeout(timer);
      if (interrupted) return EINTR;
      return child.exitCode === null ? null : { pid, exitCode: child.exitCode };
    },
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
