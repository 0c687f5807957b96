/** The network's system calls for one process (objects in net-table.ts); errors are `{errno}`. */
import type { Pid } from '../protocol/kernel';
import {
  NET_NOW_CALLS,
  type NetNowName,
  type NetNowSyscalls,
  type NetSyscalls,
  type SockAddr,
} from '../protocol/net';
import { Errno } from '../protocol/constants';
import type { NetTable } from './net-table';

const EINVAL = { errno: Errno.EINVAL };

function sockAddr(value: unknown): SockAddr | null {
  const addr = value as Partial<SockAddr> | null;
  return typeof addr?.host === 'string' && Number.isInteger(addr.port)
    ? { host: addr.host, port: addr.port! }
    : null;
}

const answerable = new Set<string>(NET_NOW_CALLS);

/** The calls of process `pid`; `changed` tells the process list its sockets may have changed,
 * and `answer` answers a `netNow` call in the process's interrupt buffer. */
export function netCallsFor(
  net: NetTable,
  pid: Pid,
  changed: () => void,
  answer: (seq: number, value: unknown) => void,
): NetSyscalls & NetNowSyscalls {
  const calls: NetSyscalls = {
    sockCreate: async (fd, family, type) => net.create(pid, fd, family, type),
    sockBind: async (fd, addr, reuse) => {
      const at = sockAddr(addr);
      return at ? net.bind(pid, fd, at, Boolean(reuse)) : EINVAL;
    },
    sockListen: async (fd, backlog) => net.listen(pid, fd, Number(backlog) || 0),
    sockConnect: async (fd, addr) => {
      const at = sockAddr(addr);
      return at ? net.connect(pid, fd, at) : EINVAL;
    },
    sockAccept: async (listenerFd, fd) => net.accept(pid, listenerFd, fd),
    sockConnected: (fd, stock, slot, at) => {
      if (![fd, stock, slot].every(Number.isInteger)) return;
      net.connected(pid, fd, stock, slot, typeof at === 'number' ? at : undefined);
      changed();
    },
    sockAccepted: (listenerFd, fd, id, at) => {
      if (![listenerFd, fd, id].every(Number.isInteger)) return;
      net.accepted(pid, listenerFd, fd, id, typeof at === 'number' ? at : undefined);
      changed();
    },
    sockSendTo: async (fd, data, addr, tid) => {
      if (!(data instanceof Uint8Array)) return EINVAL;
      const at = addr === null ? null : sockAddr(addr);
      const thread = Number.isInteger(tid) ? tid : pid;
      return addr !== null && at === null ? EINVAL : net.sendTo(pid, fd, data, at, thread);
    },
    sockInfo: async (fd) => net.info(pid, fd),
    sockShutdown: async (fd, how) => net.shutdown(pid, fd, how),
  };
  for (const name of ['sockBind', 'sockListen', 'sockConnect', 'sockAccept'] as const) {
    const call = calls[name] as (...args: unknown[]) => Promise<unknown>;
    (calls as unknown as Record<string, unknown>)[name] = (...args: unknown[]) =>
      call(...args).finally(changed);
  }
  return {
    ...calls,
    netNow: (seq, name, args) => {
      if (!Number.isInteger(seq)) return;
      if (!answerable.has(name) || !Array.isArray(args)) return answer(seq, EINVAL);
      const call = calls[name as NetNowName] as (...args: unknown[]) => Promise<unknown>;
      void call(...args).then((value) => answer(seq, value));
    },
  };
}
