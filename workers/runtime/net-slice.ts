/**
 * The network slice of the Python layer's boundary (protocol/layer.ts `NetBridge`): the kernel
 * brokers sockets' setup and teardown and answers each at once, in shared memory
 * (plain-calls.ts); accept takes a connection from the listener's ring itself and tells the
 * kernel after. Their data flows through arena rings, read here for what CPython's own
 * calls cannot express (a datagram at a time, MSG_PEEK).
 */
import type { NetBridge } from '../protocol/layer';
import { Errno } from '../protocol/constants';
import { RingFlag } from '../protocol/ipc';
import {
  type Connected,
  type NetNowName,
  type NetSyscalls,
  decodeAcceptRecord,
  encodeAcceptRecord,
  socketKindError,
} from '../protocol/net';
import {
  CONNECTION_RESET,
  WOULD_BLOCK,
  ringFlags,
  ringRead,
  ringReadMessage,
  ringWriteMessage,
} from '../ipc/ring';
import { stockAt, stockClaim, stockUnclaim } from '../ipc/connect-stock';

const LOOPBACK = '127.0.0.1';
/** The clock every worker shares, which the kernel turns into the trace's. */
const sharedNow = () => performance.timeOrigin + performance.now();
import type { PlainCalls } from './plain-calls';
import type { ArenaAccess, KernelFds } from './kernel-fds';

export function netSlice(
  fds: KernelFds,
  { words, bytes, pid, fence }: ArenaAccess,
  portDirectory: number,
  kernelNow: PlainCalls,
): NetBridge {
  /** connect(2) to 127.0.0.1:`port` with a connection made ahead, if one is ready. */
  const connectAhead = (fd: number, port: number): Connected | null => {
    const stock = stockAt(words, portDirectory, port);
    const claim = stock ? stockClaim(words, stock, pid) : null;
    if (!claim) return null;
    const local = { host: LOOPBACK, port: claim.clientPort };
    const peer = { host: LOOPBACK, port };
    const record = encodeAcceptRecord({
      id: claim.serverId,
      read: claim.there,
      write: claim.back,
      local: peer,
      peer: local,
    });
    fence();
    if (ringWriteMessage(words, bytes, claim.acceptRing, pid, record) < 0) {
      stockUnclaim(words, stock, claim.slot, pid); // the listener is swamped: the kernel says so
      return null;
    }
    fds.rebind(fd, claim.back, claim.there);
    kernelNow.tell('sockConnected', fd, stock, claim.slot, sharedNow());
    return { read: claim.back, write: claim.there, local, peer };
  };
  // Shared memory is synchronised on both sides of a call, as for every other kernel call.
  const now = <Name extends NetNowName>(name: Name, ...args: Parameters<NetSyscalls[Name]>) => {
    fence();
    const answer = kernelNow.ask(name, ...args);
    fence();
    return answer;
  };
  return {
    sockBind: (fd, host, port, reuse) => now('sockBind', fd, { host, port }, reuse),
    sockListen: (fd, backlog) => now('sockListen', fd, backlog),
    sockConnect: (fd, host, port, fresh) =>
      (fresh && host === LOOPBACK && connectAhead(fd, port)) ||
      now('sockConnect', fd, { host, port }),
    sockAccept(listenerFd, fd) {
      const ring = fds.rings(listenerFd)?.read;
      // Not a listener (nor a socket): the kernel answers with the error.
      if (ring == null || !(ringFlags(words, ring) & RingFlag.ACCEPT)) {
        return now('sockAccept', listenerFd, fd);
      }
      const message = ringReadMessage(words, bytes, ring, pid);
      if (typeof message === 'number') return { errno: Errno.EAGAIN };
      fence();
      const { id, read, write, local, peer } = decodeAcceptRecord(message);
      fds.bind(fd, read, write);
      kernelNow.tell('sockAccepted', listenerFd, fd, id, sharedNow());
      return { read, write, local, peer };
    },
    sockSendTo: (fd, data, host, port, tid) =>
      now('sockSendTo', fd, data, host === undefined ? null : { host, port }, tid),
    sockShutdown: (fd, how) => now('sockShutdown', fd, how),
    sockInfo: (fd) => now('sockInfo', fd),
    sockCreate(fd, family, type) {
      const refused = socketKindError(family, type);
      if (refused === null) kernelNow.tell('sockCreate', fd, family, type);
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
  };
}
