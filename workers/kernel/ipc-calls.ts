/**
 * The kernel's IPC system calls for one process (objects in ipc-table.ts, descriptors in
 * fd-table.ts), and what a process reports of its multiprocessing objects: their names, its
 * operations on them for the trace, and what its threads wait on for the process list.
 */
import type { Pid } from '../protocol/kernel';
import {
  THREAD_LOCK_NAME,
  type IpcObserverCalls,
  type IpcOpName,
  type IpcSyscalls,
} from '../protocol/ipc';
import { Errno } from '../protocol/constants';
import type { FdTable } from './fd-table';
import type { IpcTable } from './ipc-table';
import type { ProcessRecord } from './process-table';
import type { Trace } from './trace';

const IPC_OPS = new Set<string>([
  'put',
  'get',
  'send',
  'recv',
  'acquire',
  'release',
  'set',
  'notify',
  'woken',
  'run',
] satisfies IpcOpName[]);

/** Pipes, descriptors, semaphores and shared memory; errors are `{errno}`. */
export function ipcCallsFor(
  ipc: IpcTable,
  fds: FdTable,
  pid: Pid,
  closed: (seq: number) => void,
): IpcSyscalls {
  return {
    pipe: async (rfd, wfd) => fds.pipe(pid, rfd, wfd),
    socketpair: async (fd1, fd2) => fds.socketpair(pid, fd1, fd2),
    fdDup: (fd, from, counted) => fds.dup(pid, fd, from, counted === true),
    fdClose: (fd, seq, released, at) => {
      fds.close(pid, fd, released === true, typeof at === 'number' ? at : undefined);
      if (Number.isInteger(seq)) closed(seq!);
    },
    semCreate: async (value, maxvalue, name) => {
      if (!Number.isInteger(value) || value < 0 || !Number.isInteger(maxvalue) || maxvalue < 1) {
        return { errno: Errno.EINVAL };
      }
      return ipc.semCreate(pid, value, typeof name === 'string' ? name : null);
    },
    semOpen: async (name) =>
      typeof name === 'string' ? ipc.semOpen(pid, name) : { errno: Errno.EINVAL },
    semClose: (sem) => ipc.semClose(pid, sem),
    semUnlink: async (name) =>
      typeof name === 'string' ? ipc.semUnlink(name) : { errno: Errno.EINVAL },
    shmCreate: async (size) => ipc.shmCreate(pid, size),
    shmDetach: (at) => ipc.shmDetach(pid, at),
  };
}

/** Names, trace events and waits of multiprocessing objects, as a process reports them. */
export function ipcObserverCallsFor(
  ipc: IpcTable,
  self: ProcessRecord,
  trace: Trace,
  tableChanged: () => void,
  /** An operation on a semaphore (a multiprocessing lock's is `acquire` and `release`). */
  semOp: (op: string, sem: number, tid: Pid) => void,
): IpcObserverCalls {
  const names = (objects: unknown) =>
    Array.isArray(objects)
      ? [...new Set(objects.map((at) => ipc.describe(Number(at))).filter((n) => n !== null))]
      : [];
  return {
    ipcLabel: (kind, objects) => {
      if (typeof kind === 'string' && Array.isArray(objects)) ipc.label(kind, objects.map(Number));
    },
    ipcOps: (ops) => {
      if (!Array.isArray(ops)) return;
      // From the clock all workers share to the trace's.
      const offset = trace.now() - (performance.timeOrigin + performance.now());
      for (const { at, tid, op, object, bytes, site, waits } of ops.slice(0, 10_000)) {
        const name =
          typeof object === 'string'
            ? THREAD_LOCK_NAME.test(object) || (op === 'run' && object === 'GIL')
              ? object
              : null
            : ipc.describe(Number(object));
        if (!IPC_OPS.has(op) || name === null || typeof at !== 'number') continue;
        // The thread may have ended since: its TID still names it in the trace.
        const thread = Number.isInteger(tid) ? tid : self.pid;
        const size = Number.isInteger(bytes) && bytes! >= 0 ? { bytes } : {};
        const line = typeof site === 'string' && site.length <= 300 ? { site } : {};
        const turn =
          op === 'run' && Array.isArray(waits) && waits.length > 0
            ? { waits: waits.filter((w) => Number.isInteger(w)).slice(0, 1000) }
            : {};
        trace.record(
          { type: op, pid: self.pid, tid: thread, object: name, ...size, ...line, ...turn },
          Math.min(at + offset, trace.now()),
        );
        if (typeof object === 'number') semOp(op, object, thread);
      }
    },
    ipcWaiting: (tid, objects) => {
      if (self.state === 'exited') return;
      const what = objects === null ? null : names(objects).join(', ') || null;
      const thread = self.threads.get(tid);
      if (thread || tid === self.pid) trace.record({ type: 'wait', pid: self.pid, tid, on: what });
      if (thread) thread.waitingOn = what;
      else if (tid !== self.pid) return;
      else if (what !== null) {
        self.state = 'blocked';
        self.waitingOn = what;
      } else if (self.state === 'blocked' && self.pending.size === 0) {
        self.state = 'running';
        self.waitingOn = null;
      }
      tableChanged();
    },
  };
}
