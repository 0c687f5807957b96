/**
 * The virtual network: a loopback host with TCP and UDP ports, and AF_UNIX paths.
 *
 * The kernel brokers setup and teardown only. `connect` makes a pair of crossed rings (64 KiB a
 * direction, so a writer blocks when its reader does not read, as TCP's windows make it) and
 * queues the server's end on the listener; from then on both processes copy through the rings
 * themselves. A socket lives while a descriptor names it, in any process (ipc-table.ts keeps the
 * descriptors), so a socket passed to a child stays open there when the parent closes it.
 *
 * Linux's rules where a program can see them: port 0 picks an ephemeral port; a second bind
 * of an overlapping address is EADDRINUSE unless both set SO_REUSEADDR and neither listens;
 * `0.0.0.0` and `::` listen for every local address, `::` for IPv4 too (as v4-mapped
 * addresses); closing with unread data resets the connection (the peer reads ECONNRESET).
 */
import { RingFlag } from '../protocol/ipc';
import {
  AF,
  type Connected,
  SHUT,
  SOCK,
  type SockAddr,
  type SocketInfo,
  type SocketState,
} from '../protocol/net';
import type { SysError } from '../protocol/common';
import { Errno } from '../protocol/constants';
import type { Pid } from '../protocol/kernel';
import { ringRead, ringSetFlag, ringUsed, ringWrite, ringWriteMessage } from '../ipc/ring';
import type { IpcTable } from './ipc-table';
import type { Trace } from './trace';

type NetError = SysError;

/** The kernel's own pid in ring copy locks. */
const KERNEL = 0x7ffffffe;
/** An accept ring holds a byte per waiting connection: this many at most (Linux's SOMAXCONN). */
const ACCEPT_CAPACITY = 4096;
/** A datagram socket's receive buffer. */
const DGRAM_CAPACITY = 256 * 1024;
const MAX_DATAGRAM = 65507;
const EPHEMERAL = { first: 32768, last: 60999 } as const;

interface Socket {
  id: number;
  family: number;
  type: number;
  holders: number;
  reuse: boolean;
  local: SockAddr | null;
  peer: SockAddr | null;
  listening: boolean;
  /** What it reads and writes: a connection's rings; a listener's or datagram socket's ring. */
  read: number | null;
  write: number | null;
  /** A listener's accepted-but-not-taken connections, oldest first. */
  pending: Socket[];
}

const isV6 = (host: string) => host.includes(':');
const WILDCARDS = new Set(['0.0.0.0', '::']);

/** Is `host` this machine (a loopback or wildcard address of the family)? */
function isLocal(family: number, host: string): boolean {
  if (family === AF.INET6) return host === '::1' || host === '::' || host === '::ffff:127.0.0.1';
  return host === '0.0.0.0' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Do two bound addresses of one port collide? `::` covers IPv4 too (IPV6_V6ONLY is off). */
function overlaps(a: string, b: string): boolean {
  if (a === b || a === '::' || b === '::') return true;
  if (isV6(a) !== isV6(b)) return false;
  return WILDCARDS.has(a) || WILDCARDS.has(b);
}

/** The address a packet from `local` to `peer` carries: a wildcard is the loopback there. */
function sourceAddr(local: SockAddr, peer: string): SockAddr {
  if (!WILDCARDS.has(local.host)) return local;
  return { host: isV6(peer) ? '::1' : '127.0.0.1', port: local.port };
}

/** Whether a datagram from `from` is one a socket connected to `peer` takes (Linux drops the
 * rest). A wildcard peer stands for the loopback; a v4-mapped address for its IPv4 one. */
function fromPeer(peer: SockAddr, from: SockAddr): boolean {
  const plain = (host: string) =>
    host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host.replace(/^::ffff:/, '');
  return peer.port === from.port && plain(peer.host) === plain(from.host);
}

export const formatAddr = ({ host, port }: SockAddr) =>
  port < 0 ? host : isV6(host) ? `[${host}]:${port}` : `${host}:${port}`;

export class NetTable {
  private readonly sockets = new Map<number, Socket>();
  /** Bound sockets by protocol and port (`tcp:8888`), or AF_UNIX path (`unix:/tmp/s`). */
  private readonly bound = new Map<string, Socket[]>();
  private serial = 0;
  private nextEphemeral: number = EPHEMERAL.first;

  constructor(
    private readonly ipc: IpcTable,
    private readonly trace: Trace,
  ) {
    ipc.sockets = {
      hold: (id) => {
        const s = this.sockets.get(id);
        if (s) s.holders += 1;
      },
      drop: (id, pid) => this.drop(id, pid),
    };
  }

  private socketAt(pid: Pid, fd: number): Socket | null {
    const id = this.ipc.fdObject(pid, fd)?.sock;
    return id === undefined ? null : (this.sockets.get(id) ?? null);
  }

  create(pid: Pid, fd: number, family: number, type: number): 0 | NetError {
    if (!Object.values(AF).includes(family as 1)) return { errno: Errno.EAFNOSUPPORT };
    if (type !== SOCK.STREAM && type !== SOCK.DGRAM) return { errno: Errno.EINVAL };
    if (family === AF.UNIX && type !== SOCK.STREAM) return { errno: Errno.EOPNOTSUPP };
    const s: Socket = {
      id: ++this.serial,
      family,
      type,
      holders: 0,
      reuse: false,
      local: null,
      peer: null,
      listening: false,
      read: null,
      write: null,
      pending: [],
    };
    this.sockets.set(s.id, s);
    if (!this.ipc.bindFd(pid, fd, { read: null, write: null, sock: s.id })) {
      this.sockets.delete(s.id);
      return { errno: Errno.EBADF };
    }
    return 0;
  }

  private key(s: Socket, port: number | string): string {
    if (s.family === AF.UNIX) return `unix:${port}`;
    return `${s.type === SOCK.STREAM ? 'tcp' : 'udp'}:${port}`;
  }

  bind(pid: Pid, fd: number, addr: SockAddr, reuse: boolean) {
    const s = this.socketAt(pid, fd);
    if (!s) return { errno: Errno.EBADF };
    if (s.local) return { errno: Errno.EINVAL };
    s.reuse = reuse;
    const result = this.take(s, addr);
    if ('errno' in result) return result;
    let ring = -1;
    if (s.type === SOCK.DGRAM) {
      const made = this.ipc.newPipe(DGRAM_CAPACITY);
      if (made === null) return { errno: Errno.EMFILE };
      ring = this.receiveOn(pid, fd, s, made);
    }
    return { local: result, ring };
  }

  /** Gives a datagram socket (or listener) the ring it reads; the kernel writes it. */
  private receiveOn(pid: Pid, fd: number, s: Socket, ring: number): number {
    s.read = ring;
    this.ipc.holdRings({ read: null, write: ring });
    this.ipc.bindFd(pid, fd, { read: ring, write: null, sock: s.id }, true);
    return ring;
  }

  /** Claims `addr` (port 0: an ephemeral one) for `s`; returns the address it got. */
  private take(s: Socket, addr: SockAddr): SockAddr | NetError {
    if (s.family === AF.UNIX) {
      if (addr.host === '' || addr.host.length > 107) return { errno: Errno.EINVAL };
      if (this.bound.has(this.key(s, addr.host))) return { errno: Errno.EADDRINUSE };
      s.local = { host: addr.host, port: -1 };
      this.bound.set(this.key(s, addr.host), [s]);
      return s.local;
    }
    if (!isLocal(s.family, addr.host)) return { errno: Errno.EADDRNOTAVAIL };
    if (!Number.isInteger(addr.port) || addr.port < 0 || addr.port > 65535) {
      return { errno: Errno.EINVAL };
    }
    let port = addr.port;
    if (port === 0) {
      const free = this.ephemeral(s, addr.host);
      if (free === null) return { errno: Errno.EADDRINUSE };
      port = free;
    } else if (this.collides(s, addr.host, port)) {
      return { errno: Errno.EADDRINUSE };
    }
    s.local = { host: addr.host, port };
    const key = this.key(s, port);
    this.bound.set(key, [...(this.bound.get(key) ?? []), s]);
    return s.local;
  }

  private collides(s: Socket, host: string, port: number): boolean {
    return (this.bound.get(this.key(s, port)) ?? []).some(
      (other) =>
        overlaps(host, other.local!.host) &&
        !(s.reuse && other.reuse && !other.listening && s.type === SOCK.STREAM),
    );
  }

  private ephemeral(s: Socket, host: string): number | null {
    const span = EPHEMERAL.last - EPHEMERAL.first + 1;
    for (let i = 0; i < span; i++) {
      const port = this.nextEphemeral;
      this.nextEphemeral = port === EPHEMERAL.last ? EPHEMERAL.first : port + 1;
      if (!this.collides(s, host, port)) return port;
    }
    return null;
  }

  listen(pid: Pid, fd: number, backlog: number): number | NetError {
    const s = this.socketAt(pid, fd);
    if (!s) return { errno: Errno.EBADF };
    if (s.type !== SOCK.STREAM || s.peer) return { errno: Errno.EINVAL };
    if (s.listening) return s.read!;
    if (!s.local) {
      if (s.family === AF.UNIX) return { errno: Errno.EINVAL };
      const local = this.take(s, { host: s.family === AF.INET6 ? '::' : '0.0.0.0', port: 0 });
      if ('errno' in local) return local;
    }
    const ring = this.ipc.newPipe(ACCEPT_CAPACITY);
    if (ring === null) return { errno: Errno.EMFILE };
    this.ipc.name(ring, `LISTEN ${formatAddr(s.local!)}`); // what a server waits on in accept
    s.listening = true;
    void backlog; // Connections wait up to SOMAXCONN whatever the backlog, as with SYN cookies.
    this.trace.record({ type: 'listen', pid, address: formatAddr(s.local!) });
    return this.receiveOn(pid, fd, s, ring);
  }

  /** The listener a connection to `addr` reaches, if any. */
  private listenerFor(family: number, addr: SockAddr): Socket | null {
    if (family === AF.UNIX) {
      const [s] = this.bound.get(`unix:${addr.host}`) ?? [];
      return s?.listening ? s : null;
    }
    const candidates = (this.bound.get(`tcp:${addr.port}`) ?? []).filter((s) => s.listening);
    const host = addr.host === '0.0.0.0' ? '127.0.0.1' : addr.host === '::' ? '::1' : addr.host;
    return (
      candidates.find((s) => s.local!.host === host) ??
      candidates.find((s) => s.local!.host === (isV6(host) ? '::' : '0.0.0.0')) ??
      candidates.find((s) => s.local!.host === '::' && !isV6(host)) ??
      null
    );
  }

  connect(pid: Pid, fd: number, addr: SockAddr): Connected | NetError {
    const s = this.socketAt(pid, fd);
    if (!s) return { errno: Errno.EBADF };
    if (s.listening) return { errno: Errno.EINVAL };
    if (s.peer && s.type === SOCK.STREAM) return { errno: Errno.EISCONN };
    if (s.family !== AF.UNIX && !isLocal(s.family, addr.host)) return { errno: Errno.ENETUNREACH };
    if (s.type === SOCK.DGRAM) return this.connectDatagram(pid, fd, s, addr);
    const listener = this.listenerFor(s.family, addr);
    if (!listener) {
      const unknownPath = s.family === AF.UNIX && !this.bound.has(`unix:${addr.host}`);
      return { errno: unknownPath ? Errno.ENOENT : Errno.ECONNREFUSED };
    }
    if (!s.local) {
      const loopback = s.family === AF.UNIX ? '' : s.family === AF.INET6 ? '::1' : '127.0.0.1';
      if (s.family === AF.UNIX) s.local = { host: '', port: -1 };
      else {
        const local = this.take(s, { host: loopback, port: 0 });
        if ('errno' in local) return local;
      }
    }
    const pair = this.ipc.newCrossedRings();
    if (pair === null) return { errno: Errno.EMFILE };
    const [there, back] = pair;
    if (s.family !== AF.UNIX)
      for (const ring of pair) ringSetFlag(this.ipc.words, ring, RingFlag.TCP);
    const server = this.newConnectedSocket(listener, s, { read: there, write: back });
    // The accept ring counts it: full means the listener is swamped, as a full SYN queue.
    if (
      ringWrite(this.ipc.words, this.ipc.bytes, listener.read!, new Uint8Array(1), KERNEL) !== 1
    ) {
      this.ipc.dropRings({ read: there, write: back });
      this.sockets.delete(server.id);
      return { errno: Errno.ECONNREFUSED };
    }
    s.peer = server.local;
    s.read = back;
    s.write = there;
    this.ipc.bindFd(pid, fd, { read: back, write: there, sock: s.id }, true);
    const label = `TCP ${formatAddr(s.local!)} → ${formatAddr(server.local!)}`;
    this.ipc.name(there, label);
    this.ipc.name(back, label);
    this.trace.record({
      type: 'connect',
      pid,
      from: formatAddr(s.local!),
      to: formatAddr(server.local!),
    });
    return { read: back, write: there, local: s.local!, peer: server.local! };
  }

  /** The server's end of a new connection, held by the kernel until a process accepts it. */
  private newConnectedSocket(
    listener: Socket,
    client: Socket,
    rings: { read: number; write: number },
  ) {
    const bound = listener.local!;
    // A wildcard listener's end is the loopback the client reached; `::` shows IPv4 as mapped.
    const mapped = (host: string) => (bound.host === '::' && !isV6(host) ? `::ffff:${host}` : host);
    const reached = client.family === AF.INET ? '127.0.0.1' : '::1';
    const local =
      listener.family === AF.UNIX
        ? bound
        : { host: mapped(WILDCARDS.has(bound.host) ? reached : bound.host), port: bound.port };
    const peerHost = mapped(client.local?.host ?? '');
    const server: Socket = {
      id: ++this.serial,
      family: listener.family,
      type: SOCK.STREAM,
      holders: 0,
      reuse: false,
      local,
      peer: { host: peerHost, port: client.local?.port ?? -1 },
      listening: false,
      ...rings,
      pending: [],
    };
    this.sockets.set(server.id, server);
    this.ipc.holdRings(rings); // the kernel's hold while it waits in the queue
    server.holders += 1;
    listener.pending.push(server);
    return server;
  }

  private connectDatagram(pid: Pid, fd: number, s: Socket, addr: SockAddr): Connected | NetError {
    let read = -1;
    if (!s.local) {
      const bound = this.bind(
        pid,
        fd,
        { host: isV6(addr.host) ? '::' : '0.0.0.0', port: 0 },
        false,
      );
      if ('errno' in bound) return bound;
      read = bound.ring;
    }
    s.peer = addr;
    return { read, write: -1, local: s.local!, peer: addr };
  }

  accept(pid: Pid, listenerFd: number, fd: number): Connected | NetError {
    const listener = this.socketAt(pid, listenerFd);
    if (!listener) return { errno: Errno.EBADF };
    if (!listener.listening) return { errno: Errno.EINVAL };
    const words = this.ipc.words;
    if (ringRead(words, this.ipc.bytes, listener.read!, new Uint8Array(1), KERNEL) !== 1) {
      return { errno: Errno.EAGAIN };
    }
    const server = listener.pending.shift()!;
    const rings = { read: server.read!, write: server.write! };
    if (!this.ipc.bindFd(pid, fd, { ...rings, sock: server.id })) {
      listener.pending.unshift(server);
      ringWrite(words, this.ipc.bytes, listener.read!, new Uint8Array(1), KERNEL);
      return { errno: Errno.EBADF };
    }
    this.ipc.dropRings(rings); // the kernel's own hold while it waited
    server.holders -= 1;
    this.trace.record({
      type: 'accept',
      pid,
      from: formatAddr(server.peer!),
      to: formatAddr(server.local!),
    });
    return { ...rings, local: server.local!, peer: server.peer! };
  }

  /** Sends one datagram; `ring` is the receive ring when this send bound the socket. */
  sendTo(
    pid: Pid,
    fd: number,
    data: Uint8Array,
    addr: SockAddr | null,
  ): { sent: number; ring: number } | NetError {
    const s = this.socketAt(pid, fd);
    if (!s) return { errno: Errno.EBADF };
    if (s.type !== SOCK.DGRAM) return { errno: Errno.EOPNOTSUPP };
    const to = addr ?? s.peer;
    if (!to) return { errno: Errno.EDESTADDRREQ };
    if (!isLocal(s.family, to.host)) return { errno: Errno.ENETUNREACH };
    if (data.length > MAX_DATAGRAM) return { errno: Errno.EMSGSIZE };
    let ring = -1;
    if (!s.local) {
      const bound = this.bind(pid, fd, { host: isV6(to.host) ? '::' : '0.0.0.0', port: 0 }, false);
      if ('errno' in bound) return bound;
      ring = bound.ring;
    }
    const target = this.datagramTarget(to);
    const from = sourceAddr(s.local!, to.host);
    // Nobody bound there, its buffer is full, or it is connected to another peer: the datagram
    // is lost, as on a real network.
    if (target?.read != null && (!target.peer || fromPeer(target.peer, from))) {
      const header = new TextEncoder().encode(`${from.host} ${from.port}\n`);
      const message = new Uint8Array(header.length + data.length);
      message.set(header);
      message.set(data, header.length);
      ringWriteMessage(this.ipc.words, this.ipc.bytes, target.read, message, KERNEL);
    }
    return { sent: data.length, ring };
  }

  private datagramTarget(to: SockAddr): Socket | null {
    const host = to.host === '0.0.0.0' ? '127.0.0.1' : to.host === '::' ? '::1' : to.host;
    const candidates = this.bound.get(`udp:${to.port}`) ?? [];
    return (
      candidates.find((s) => s.local!.host === host) ??
      candidates.find((s) => overlaps(s.local!.host, host) && WILDCARDS.has(s.local!.host)) ??
      null
    );
  }

  info(pid: Pid, fd: number): SocketState | NetError {
    const s = this.socketAt(pid, fd);
    if (s) {
      const { family, type, local, peer, listening } = s;
      return { family, type, local, peer, listening };
    }
    const entry = this.ipc.fdObject(pid, fd);
    if (entry?.read == null || entry.write == null) return { errno: Errno.ENOTSOCK };
    const unnamed = { host: '', port: -1 };
    return { family: AF.UNIX, type: SOCK.STREAM, local: unnamed, peer: unnamed, listening: false };
  }

  shutdown(pid: Pid, fd: number, how: number): 0 | NetError {
    const s = this.socketAt(pid, fd);
    if (!s) return { errno: Errno.EBADF };
    if (!s.peer || s.type !== SOCK.STREAM) return { errno: Errno.ENOTCONN };
    if ((how === SHUT.WR || how === SHUT.RDWR) && s.write !== null) {
      ringSetFlag(this.ipc.words, s.write, RingFlag.SHUT);
    }
    return 0;
  }

  /** A descriptor naming socket `id` is gone; the last one closes the socket. */
  private drop(id: number, pid: Pid): void {
    const s = this.sockets.get(id);
    if (!s) return;
    s.holders -= 1;
    if (s.holders > 0) return;
    this.sockets.delete(id);
    const words = this.ipc.words;
    if (s.listening) {
      // Connections nobody accepted are reset, as Linux does when a listener closes.
      for (const pending of s.pending) {
        ringSetFlag(words, pending.write!, RingFlag.RESET);
        this.ipc.dropRings({ read: pending.read, write: pending.write });
        this.sockets.delete(pending.id);
      }
    }
    if (s.read !== null && s.type === SOCK.STREAM && !s.listening && s.write !== null) {
      // Unread data at close: TCP sends RST; the peer reads ECONNRESET and its writes fail.
      if (ringUsed(words, s.read) > 0) {
        ringSetFlag(words, s.write, RingFlag.RESET);
        ringSetFlag(words, s.read, RingFlag.LOST);
      }
      if (s.local && s.peer) {
        this.trace.record({
          type: 'close',
          pid,
          from: formatAddr(s.local),
          to: formatAddr(s.peer),
        });
      }
    } else if (s.read !== null) {
      this.ipc.dropRings({ read: null, write: s.read }); // the kernel's writer hold
    }
    this.unbind(s);
  }

  private unbind(s: Socket): void {
    if (!s.local) return;
    const key = this.key(s, s.family === AF.UNIX ? s.local.host : s.local.port);
    const rest = (this.bound.get(key) ?? []).filter((other) => other !== s);
    if (rest.length) this.bound.set(key, rest);
    else this.bound.delete(key);
  }

  /** What the process list shows of `pid`'s sockets. */
  describe(pid: Pid): SocketInfo[] {
    return this.ipc.socketsOf(pid).flatMap((id): SocketInfo[] => {
      const s = this.sockets.get(id);
      if (!s?.local) return [];
      const local = formatAddr(s.local);
      if (s.listening) return [{ state: 'LISTEN', local, peer: null }];
      if (s.type === SOCK.DGRAM) {
        return [{ state: 'UDP', local, peer: s.peer ? formatAddr(s.peer) : null }];
      }
      if (s.peer) return [{ state: 'ESTAB', local, peer: formatAddr(s.peer) }];
      return [{ state: 'BOUND', local, peer: null }];
    });
  }
}
