/**
 * The network slice of the Python layer's boundary (protocol/layer.ts `NetCalls`, `NetBridge`):
 * the kernel brokers sockets' setup and teardown; their data flows through arena rings, read here
 * for what CPython's own calls cannot express (a datagram at a time, MSG_PEEK).
 */
import type * as Comlink from 'comlink';
import type { LayerSlice, NetBridge, NetCalls } from '../protocol/layer';
import type { Syscalls } from '../protocol/process';
import { socketKindError } from '../protocol/net';
import { CONNECTION_RESET, WOULD_BLOCK, ringRead, ringReadMessage } from '../ipc/ring';
import type { ArenaAccess, KernelFds } from './kernel-fds';

export function netSlice(
  kernel: Comlink.Remote<Syscalls>,
  fds: KernelFds,
  { words, bytes, pid, fence }: ArenaAccess,
): LayerSlice<NetCalls, NetBridge> {
  return {
    calls: {
      sockBind: (fd, host, port, reuse) => kernel.sockBind(fd, { host, port }, reuse),
      sockListen: (fd, backlog) => kernel.sockListen(fd, backlog),
      sockConnect: (fd, host, port) => kernel.sockConnect(fd, { host, port }),
      sockAccept: (listenerFd, fd) => kernel.sockAccept(listenerFd, fd),
      sockSendTo: (fd, data, host, port, tid) =>
        kernel.sockSendTo(fd, data, host === undefined ? null : { host, port }, tid),
      sockShutdown: (fd, how) => kernel.sockShutdown(fd, how),
      sockInfo: (fd) => kernel.sockInfo(fd),
    },
    bridge: {
      sockCreate(fd, family, type) {
        const refused = socketKindError(family, type);
        if (refused === null) void kernel.sockCreate(fd, family, type);
        return refused;
      },
      fdRecvMessage(fd, peek = false) {
        const ring = fds.rings(fd)?.read;
        if (ring == null) return null; // not bound yet: nothing can arrive
        const message = ringReadMessage(words, bytes, ring, pid, peek);
        if (typeof message === 'number') return message === 0 ? new Uint8Array(0) : null;
        fence();
        return message;
      },
      fdPeek(fd, max) {
        const ring = fds.rings(fd)?.read ?? fds.fail('EBADF');
        const dest = new Uint8Array(Math.max(0, max));
        const n = ringRead(words, bytes, ring, dest, pid, true);
        if (n === WOULD_BLOCK) return null;
        if (n === CONNECTION_RESET) fds.fail('ECONNRESET');
        fence();
        return dest.subarray(0, n);
      },
    },
  };
}
