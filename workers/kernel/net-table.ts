/**
 * The virtual network: a loopback host with TCP and UDP ports, and AF_UNIX paths.
 *
 * The kernel brokers setup and teardown only. `connect` makes a pair of crossed rings (64 KiB a
 * direction, so a writer blocks when its reader does not read, as TCP's windows make it) and
 * queues the server's end on the listener, with a record in its accept ring, which a server's
 * worker takes itself (telling the kernel after); from then on both processes copy through the
 * rings themselves. A listener that clients reach keeps connections made ahead, which an IPv4
 * client takes without the kernel (connect-stocks.ts) and tells it after (`connected`). A
 * socket lives while a descriptor names it, in any process (fd-table.ts keeps the descriptors),
 * so a socket passed to a child stays open there when the parent closes it.
 *
 * Linux's rules where a program can see them: ports as port-table.ts gives them out; closing
 * with unread data resets the connection (the peer reads ECONNRESET). Which addresses are this
 * host, and which socket a wildcard address reaches, are in net-addr.ts.
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
  decodeAcceptRecord,
  encodeAcceptRecord,
  socketKindError,
} from '../protocol/net';
import type { SysError } from '../protocol/common';
import { Errno } from '../protocol/constants';
import type { Pid } from '../protocol/kernel';
import { ringReadMessage, ringSetFlag, ringUsed, ringWriteMessage } from '../ipc/ring';
import type { FdTable } from './fd-table';
import type { IpcTable } from './ipc-table';
import {
  formatAddr,
  fromPeer,
  isLocal,
  isV6,
  listenerAt,
  receiverAt,
  serverEnds,
  sourceAddr,
} from './net-addr';
import type { Trace } from './trace';
import { ConnectStocks, type Prepared } from './connect-stocks';
import type { Bound, Connection, Datagram, Listener, Socket, Stream } from './net-sockets';
import { PortTable } from './port-table';

export { formatAddr };

type NetError = SysError;

/** The kernel's own pid in ring copy locks. */
const KERNEL = 0x7ffffffe;
/** Connections waiting in one listener's accept ring, at most (Linux's SOMAXCONN), and the
 * ring's room for their records (protocol/net.ts `AcceptRecord`, about 40 bytes each). */
const ACCEPT_BACKLOG = 4096;
const ACCEPT_RING_BYTES = ACCEPT_BACKLOG * 64;
/** A datagram socket's receive buffer. */
const DGRAM_CAPACITY = 256 * 1024;
const MAX_DATAGRAM = 65507;

/** A connection made ahead for a listener's stock (connect-stocks.ts): `client` holds the
 * client's port until a client takes it; `peer` is the server's end's address. */
interface PreparedConnection extends Prepared {
  client: Stream & { local: SockAddr };
  peer: SockAddr;
  /** The listener's queue, where the server's end waits. */
  queue: Map<number, Connection>;
}

const peerOf = (s: Socket): SockAddr | null =>
  s.kind === 'connection' || s.kind === 'datagram' ? s.peer : null;

export class NetTable {
  private readonly sockets = new Map<number, Socket>();
  /** Connections whose client end the kernel holds for the page (connectOutside). */
  private readonly outside = new Set<number>();
  private readonly ports = new PortTable();
  private serial = 0;
  /** Connections made ahead, which clients take without the kernel (ipc/connect-stock.ts). */
  private readonly stocks: ConnectStocks<PreparedConnection>;

  constructor(
    private readonly ipc: IpcTable,
    private readonly fds: FdTable,
    private readonly trace: Trace,
  ) {
    this.stocks = new ConnectStocks(ipc, {
      prepare: (id) => this.prepare(id),
      discard: (prepared) => this.discard(prepared),
    });
    fds.sockets = {
      hold: (id) => {
        const s = this.sockets.get(id);
        if (s) s.holders += 1;
      },
      drop: (id, pid, at) => this.drop(id, pid, at),
    };
  }

  /** The port directory's arena offset, which every process worker reads. */
  get portDirectory(): number {
    return this.stocks.directory;
  }

  private socketAt(pid: Pid, fd: number): Socket | null {
    const id = this.fds.get(pid, fd)?.sock;
    return id === undefined ? null : (this.sockets.get(id) ?? null);
  }

  create(pid: Pid, fd: number, family: number, type: number): 0 | NetError {
    const refused = socketKindError(family, type);
    if (refused !== null) return { errno: refused };
    const base = { id: ++this.serial, family, holders: 0, reuse: false };
    const s: Socket =
      type === SOCK.STREAM
        ? { ...base, kind: 'stream', local: null }
        : { ...base, kind: 'datagram', local: null, peer: null, ring: null };
    this.sockets.set(s.id, s);
    if (!this.fds.bind(pid, fd, { read: null, write: null, sock: s.id })) {
      this.sockets.delete(s.id);
      return { errno: Errno.EBADF };
    }
    return 0;
  }

  /** `s` as a listener or connection: a new object of the new kind, with the same id, takes its
   * place here and in `bound` (the caller's `s` is stale from then on). */
  private become<T extends Bound>(s: Socket, next: T): T {
    this.sockets.set(next.id, next);
    this.ports.replace(s, next);
    return next;
  }

  bind(pid: Pid, fd: number, addr: SockAddr, reuse: boolean) {
    const s = this.socketAt(pid, fd);
    if (!s) return { errno: Errno.EBADF };
    // A listener or connection has its address already, as a socket bound before.
    if (s.kind === 'listener' || s.kind === 'connection' || s.local) return { errno: Errno.EINVAL };
    s.reuse = reuse;
    const local = this.ports.take(s, addr);
    if ('errno' in local) return local;
    let ring = -1;
    if (s.kind === 'datagram') {
      const made = this.ipc.newPipe(DGRAM_CAPACITY);
      if (made === null) return { errno: Errno.EMFILE };
      s.ring = made;
      // Datagrams sent here and received from here are one object for the trace's arrows.
      this.ipc.name(made, `udp ${formatAddr(local)}`);
      ring = this.receiveOn(pid, fd, s.id, made);
    }
    return { local, ring };
  }

  /** Gives a datagram socket (or listener) the ring it reads; the kernel writes it. */
  private receiveOn(pid: Pid, fd: number, id: number, ring: number): number {
    this.ipc.holdRings({ read: null, write: ring });
    this.fds.bind(pid, fd, { read: ring, write: null, sock: id }, true);
    return ring;
  }

  listen(pid: Pid, fd: number, backlog: number): number | NetError {
    const s = this.socketAt(pid, fd);
    if (!s) return { errno: Errno.EBADF };
    if (s.kind === 'listener') return s.ring;
    if (s.kind !== 'stream') return { errno: Errno.EINVAL };
    let local = s.local;
    if (!local) {
      if (s.family === AF.UNIX) return { errno: Errno.EINVAL };
      const taken = this.ports.take(s, { host: s.family === AF.INET6 ? '::' : '0.0.0.0', port: 0 });
      if ('errno' in taken) return taken;
      local = taken;
    }
    const ring = this.ipc.newPipe(ACCEPT_RING_BYTES);
    if (ring === null) return { errno: Errno.EMFILE };
    ringSetFlag(this.ipc.words, ring, RingFlag.ACCEPT); // a worker's accept reads it itself
    // What a server waits on in accept() (its socket shows as LISTEN beside, under Sockets).
    this.ipc.name(ring, `accept ${formatAddr(local)}`);
    this.become(s, { ...s, kind: 'listener', local, ring, pending: new Map() });
    void backlog; // Connections wait up to SOMAXCONN whatever the backlog, as with SYN cookies.
    this.trace.record({ type: 'listen', pid, address: formatAddr(local) });
    return this.receiveOn(pid, fd, s.id, ring);
  }

  /** The listener a connection to `addr` reaches, if any. */
  private listenerFor(family: number, addr: SockAddr): Listener | null {
    if (family === AF.UNIX) {
      const [s] = this.ports.at(`unix:${addr.host}`);
      return s?.kind === 'listener' ? s : null;
    }
    const listening = this.ports.at(`tcp:${addr.port}`).filter((s) => s.kind === 'listener');
    return listenerAt(listening ?? [], addr.host);
  }

  connect(pid: Pid, fd: number, addr: SockAddr): Connected | NetError {
    const s = this.socketAt(pid, fd);
    if (!s) return { errno: Errno.EBADF };
    if (s.kind === 'listener') return { errno: Errno.EINVAL };
    if (s.kind === 'connection') return { errno: Errno.EISCONN };
    if (s.family !== AF.UNIX && !isLocal(s.family, addr.host)) return { errno: Errno.ENETUNREACH };
    if (s.kind === 'datagram') return this.connectDatagram(pid, fd, s, addr);
    const connected = this.connectStream(s, addr, pid, (rings) => {
      this.fds.bind(pid, fd, { ...rings, sock: s.id }, true);
      return () => this.fds.bind(pid, fd, { read: null, write: null, sock: s.id }, true);
    });
    if (!('errno' in connected) && s.family === AF.INET && addr.host === '127.0.0.1') {
      this.stockUp(addr.port);
    }
    return connected;
  }

  /** A new IPv4 stream socket of the kernel's own (no descriptor names it). */
  private kernelStream(holders: number): Stream {
    return {
      id: ++this.serial,
      family: AF.INET,
      holders,
      reuse: false,
      kind: 'stream',
      local: null,
    };
  }

  /** A connection from outside the run's processes (the page's Preview) to a TCP port of this
   * host, made as a process's `connect` is; the kernel holds the client's end, in place of a
   * descriptor, until `closeOutside`. `pid` is whom the trace names as the client. */
  connectOutside(pid: Pid, port: number): (Connected & { id: number }) | NetError {
    const s = this.kernelStream(1);
    this.sockets.set(s.id, s);
    const connected = this.connectStream(s, { host: '127.0.0.1', port }, pid, (rings) => {
      this.ipc.holdRings(rings);
      return () => this.ipc.dropRings(rings);
    });
    if ('errno' in connected) {
      this.sockets.delete(s.id);
      if (s.local) this.ports.unbind(s);
      return connected;
    }
    this.outside.add(s.id);
    return { ...connected, id: s.id };
  }

  /** The outside client's end of connection `id` is closed, as a process's last descriptor. */
  closeOutside(pid: Pid, id: number): void {
    const s = this.sockets.get(id);
    if (s?.kind !== 'connection') return;
    this.outside.delete(id);
    // As a descriptor's close (fd-table.ts): the socket first, then its rings.
    this.drop(id, pid);
    this.ipc.dropRings({ read: s.read, write: s.write });
  }

  /** Connects stream socket `s` to the listener at `addr`, queueing the server's end there.
   * `holdClient` holds the client's end of the rings before the server can see them: a server
   * takes its end from the accept ring at once, and reads end of file from a ring nobody
   * writes yet. */
  private connectStream(
    s: Stream,
    addr: SockAddr,
    pid: Pid,
    holdClient: (rings: { read: number; write: number }) => () => void,
  ): Connected | NetError {
    const listener = this.listenerFor(s.family, addr);
    if (!listener) {
      const unknownPath = s.family === AF.UNIX && !this.ports.has(`unix:${addr.host}`);
      return { errno: unknownPath ? Errno.ENOENT : Errno.ECONNREFUSED };
    }
    let local = s.local;
    if (!local) {
      // An AF_UNIX client stays unnamed (and unlisted); an IP one gets an ephemeral port.
      if (s.family === AF.UNIX) local = s.local = { host: '', port: -1 };
      else {
        const loopback = s.family === AF.INET6 ? '::1' : '127.0.0.1';
        const taken = this.ports.take(s, { host: loopback, port: 0 });
        if ('errno' in taken) return taken;
        local = taken;
      }
    }
    // A full queue means the listener is swamped, as a full SYN queue: refused.
    if (listener.pending.size >= ACCEPT_BACKLOG) return { errno: Errno.ECONNREFUSED };
    const pair = this.ipc.newCrossedRings();
    if (pair === null) return { errno: Errno.EMFILE };
    const [there, back] = pair;
    if (s.family !== AF.UNIX)
      for (const ring of pair) ringSetFlag(this.ipc.words, ring, RingFlag.TCP);
    const rings = { read: there, write: back };
    const server = this.newConnectedSocket(listener, { family: s.family, local }, rings);
    const { local: serverLocal, peer: serverPeer } = server;
    const record = encodeAcceptRecord({
      id: server.id,
      ...rings,
      local: serverLocal,
      peer: serverPeer,
    });
    const unhold = holdClient({ read: back, write: there });
    if (ringWriteMessage(this.ipc.words, this.ipc.bytes, listener.ring, KERNEL, record) < 0) {
      unhold(); // no room for the record (a swamped listener, long AF_UNIX paths)
      listener.pending.delete(server.id);
      this.ipc.dropRings(rings);
      this.sockets.delete(server.id);
      return { errno: Errno.ECONNREFUSED };
    }
    const peer = server.local;
    this.become(s, { ...s, kind: 'connection', local, peer, read: back, write: there });
    const label = `TCP ${formatAddr(local)} → ${formatAddr(peer)}`;
    this.ipc.name(there, label);
    this.ipc.name(back, label);
    this.trace.record({ type: 'connect', pid, from: formatAddr(local), to: formatAddr(peer) });
    return { read: back, write: there, local, peer };
  }

  /** The server's end of a new connection, held by the kernel until a process accepts it. */
  private newConnectedSocket(
    listener: Listener,
    client: { family: number; local: SockAddr },
    rings: { read: number; write: number },
  ): Connection {
    const server: Connection = {
      id: ++this.serial,
      family: listener.family,
      holders: 0,
      reuse: false,
      kind: 'connection',
      ...serverEnds(listener, client),
      ...rings,
    };
    this.sockets.set(server.id, server);
    this.ipc.holdRings(rings); // the kernel's hold while it waits in the queue
    server.holders += 1;
    listener.pending.set(server.id, server);
    return server;
  }

  private connectDatagram(pid: Pid, fd: number, s: Datagram, addr: SockAddr): Connected | NetError {
    const bound = this.autobind(pid, fd, s, addr.host);
    if ('errno' in bound) return bound;
    s.peer = addr;
    return { read: bound.ring, write: -1, local: bound.local, peer: addr };
  }

  /** A datagram socket's address: its first connect or send binds it (the wildcard, an
   * ephemeral port), and `ring` is then the ring it reads (else -1). */
  private autobind(pid: Pid, fd: number, s: Datagram, toward: string) {
    if (s.local) return { local: s.local, ring: -1 };
    return this.bind(pid, fd, { host: isV6(toward) ? '::' : '0.0.0.0', port: 0 }, false);
  }

  /** When a worker says something happened (the clock workers share), on the trace's clock;
   * now if it did not say, and never later than now. */
  private traceTime(at: number | undefined): number {
    const now = this.trace.now();
    if (at === undefined) return now;
    return Math.min(now, at + now - (performance.timeOrigin + performance.now()));
  }

  /** A client reached TCP `port` of 127.0.0.1 through the kernel: if an IPv4 listener takes
   * it there, its stock grows (connect-stocks.ts). */
  private stockUp(port: number): void {
    const listener = this.listenerFor(AF.INET, { host: '127.0.0.1', port });
    if (listener?.family !== AF.INET) return;
    this.stocks.wanted(listener.id, port, listener.ring);
  }

  /** A connection to listener `id` made ahead: its server's end waits in `pending` (with no
   * record in the accept ring yet), and the kernel holds the client's end and port. */
  private prepare(id: number): PreparedConnection | null {
    const listener = this.sockets.get(id);
    if (listener?.kind !== 'listener') return null;
    const client = this.kernelStream(0);
    const local = this.ports.take(client, { host: '127.0.0.1', port: 0 });
    if ('errno' in local) return null;
    const pair = this.ipc.newCrossedRings();
    if (pair === null) {
      this.ports.unbind(client);
      return null;
    }
    const [there, back] = pair;
    for (const ring of pair) ringSetFlag(this.ipc.words, ring, RingFlag.TCP);
    this.ipc.holdRings({ read: back, write: there });
    const server = this.newConnectedSocket(
      listener,
      { family: AF.INET, local },
      {
        read: there,
        write: back,
      },
    );
    const label = `TCP ${formatAddr(local)} → ${formatAddr(server.local)}`;
    this.ipc.name(there, label);
    this.ipc.name(back, label);
    const bound = client as Stream & { local: SockAddr };
    return {
      serverId: server.id,
      there,
      back,
      clientPort: local.port,
      client: bound,
      peer: server.local,
      queue: listener.pending,
    };
  }

  /** A connection made ahead that no client took (its listener closes). */
  private discard({ serverId, there, back, client, queue }: PreparedConnection): void {
    this.ports.unbind(client);
    this.ipc.dropRings({ read: back, write: there }); // the client's end
    queue.delete(serverId);
    this.ipc.dropRings({ read: there, write: back }); // the server's end, held while queued
    this.sockets.delete(serverId);
  }

  /** Process `pid` connected `fd` with slot `slot` of the stock at `stock` (it wrote the
   * record into the accept ring): its socket becomes the client's end made ahead. */
  connected(pid: Pid, fd: number, stock: number, slot: number, at?: number): void {
    const prepared = this.stocks.claimed(stock, slot, pid);
    if (!prepared) return;
    const { there, back, client, peer } = prepared;
    const s = this.socketAt(pid, fd);
    this.ports.unbind(client); // its port passes to `s`
    if (s?.kind === 'stream' && !s.local && s.family === AF.INET) {
      const bound = this.ports.claim(s, client.local);
      const local = bound;
      this.become(s, { ...s, kind: 'connection', local, peer, read: back, write: there });
      this.fds.bind(pid, fd, { read: back, write: there, sock: s.id }, true);
      const event = {
        type: 'connect',
        pid,
        from: formatAddr(local),
        to: formatAddr(peer),
      } as const;
      this.trace.record(event, this.traceTime(at));
    } else {
      // Not what the worker took it for (it checks): the rings stay the descriptor's.
      this.fds.bind(pid, fd, { read: back, write: there }, true);
    }
    this.ipc.dropRings({ read: back, write: there }); // the hold that stood for the descriptor
  }

  /** accept(2) in the kernel: takes the next record of the accept ring, as a worker's accept
   * does itself (runtime/net-slice.ts); for a descriptor that is no listener, the error. */
  accept(pid: Pid, listenerFd: number, fd: number): Connected | NetError {
    const listener = this.socketAt(pid, listenerFd);
    if (!listener) return { errno: Errno.EBADF };
    if (listener.kind !== 'listener') return { errno: Errno.EINVAL };
    const message = ringReadMessage(this.ipc.words, this.ipc.bytes, listener.ring, KERNEL);
    if (typeof message === 'number') return { errno: Errno.EAGAIN };
    const { id } = decodeAcceptRecord(message);
    return this.accepted(pid, listenerFd, fd, id);
  }

  /** Process `pid` took connection `id` from its listener's accept ring as descriptor `fd`. */
  accepted(
    pid: Pid,
    listenerFd: number,
    fd: number,
    id: number,
    at?: number,
  ): Connected | NetError {
    const listener = this.socketAt(pid, listenerFd);
    const server = listener?.kind === 'listener' ? listener.pending.get(id) : undefined;
    if (!listener || !server) return { errno: Errno.EINVAL };
    (listener as Listener).pending.delete(id);
    const rings = { read: server.read, write: server.write };
    if (!this.fds.bind(pid, fd, { ...rings, sock: server.id })) {
      // The descriptor is taken: the connection is refused, as if never accepted.
      ringSetFlag(this.ipc.words, server.write, RingFlag.RESET);
      this.ipc.dropRings(rings);
      this.sockets.delete(server.id);
      return { errno: Errno.EBADF };
    }
    this.ipc.dropRings(rings); // the kernel's own hold while it waited
    server.holders -= 1;
    const { local, peer } = server;
    const event = { type: 'accept', pid, from: formatAddr(peer), to: formatAddr(local) } as const;
    this.trace.record(event, this.traceTime(at));
    return { ...rings, local, peer };
  }

  /** Sends one datagram; `ring` is the receive ring when this send bound the socket. A datagram
   * delivered is thread `tid`'s send in the trace, named after its receiver's address: recorded
   * here, as the receiver may close its socket before the sender's operations reach the kernel. */
  sendTo(
    pid: Pid,
    fd: number,
    data: Uint8Array,
    addr: SockAddr | null,
    tid: Pid,
  ): { sent: number; ring: number } | NetError {
    const s = this.socketAt(pid, fd);
    if (!s) return { errno: Errno.EBADF };
    if (s.kind !== 'datagram') return { errno: Errno.EOPNOTSUPP };
    const to = addr ?? s.peer;
    if (!to) return { errno: Errno.EDESTADDRREQ };
    if (!isLocal(s.family, to.host)) return { errno: Errno.ENETUNREACH };
    if (data.length > MAX_DATAGRAM) return { errno: Errno.EMSGSIZE };
    const bound = this.autobind(pid, fd, s, to.host);
    if ('errno' in bound) return bound;
    const target = this.datagramTarget(to);
    const from = sourceAddr(bound.local, to.host);
    // Nobody bound there, its buffer is full, or it is connected to another peer: the datagram
    // is lost, as on a real network.
    if (target?.ring != null && (!target.peer || fromPeer(target.peer, from))) {
      const header = new TextEncoder().encode(`${from.host} ${from.port}\n`);
      const message = new Uint8Array(header.length + data.length);
      message.set(header);
      message.set(data, header.length);
      if (ringWriteMessage(this.ipc.words, this.ipc.bytes, target.ring, KERNEL, message) >= 0) {
        const object = this.ipc.describe(target.ring) ?? 'udp';
        this.trace.record({ type: 'send', pid, tid, object, bytes: data.length });
      }
    }
    return { sent: data.length, ring: bound.ring };
  }

  private datagramTarget(to: SockAddr): Datagram | null {
    // Only datagram sockets are listed under `udp:`; the filter tells the compiler so.
    const bound = this.ports.at(`udp:${to.port}`).filter((s) => s.kind === 'datagram');
    return receiverAt(bound ?? [], to.host);
  }

  info(pid: Pid, fd: number): SocketState | NetError {
    const s = this.socketAt(pid, fd);
    if (s) {
      const type = s.kind === 'datagram' ? SOCK.DGRAM : SOCK.STREAM;
      const { family, local } = s;
      return { family, type, local, peer: peerOf(s), listening: s.kind === 'listener' };
    }
    const entry = this.fds.get(pid, fd);
    if (entry?.read == null || entry.write == null) return { errno: Errno.ENOTSOCK };
    const unnamed = { host: '', port: -1 };
    return { family: AF.UNIX, type: SOCK.STREAM, local: unnamed, peer: unnamed, listening: false };
  }

  shutdown(pid: Pid, fd: number, how: number): 0 | NetError {
    const s = this.socketAt(pid, fd);
    if (!s) return { errno: Errno.EBADF };
    if (s.kind !== 'connection') return { errno: Errno.ENOTCONN };
    if (how === SHUT.WR || how === SHUT.RDWR) ringSetFlag(this.ipc.words, s.write, RingFlag.SHUT);
    return 0;
  }

  /** A descriptor naming socket `id` is gone (at `at`, if its worker said); the last one closes
   * the socket. */
  private drop(id: number, pid: Pid, at?: number): void {
    const s = this.sockets.get(id);
    if (!s) return;
    s.holders -= 1;
    if (s.holders > 0) return;
    this.sockets.delete(id);
    const words = this.ipc.words;
    switch (s.kind) {
      case 'listener':
        this.stocks.close(s.id); // what no client took is undone, and leaves `pending`
        // Connections nobody accepted are reset, as Linux does when a listener closes.
        for (const pending of s.pending.values()) {
          ringSetFlag(words, pending.write, RingFlag.RESET);
          this.ipc.dropRings({ read: pending.read, write: pending.write });
          this.sockets.delete(pending.id);
        }
        this.ipc.dropRings({ read: null, write: s.ring }); // the kernel's writer hold
        break;
      case 'connection':
        // Unread data at close: TCP sends RST; the peer reads ECONNRESET and its writes fail.
        if (ringUsed(words, s.read) > 0) {
          ringSetFlag(words, s.write, RingFlag.RESET);
          ringSetFlag(words, s.read, RingFlag.LOST);
        }
        // Stamped when the worker closed it: the kernel hears of a close late (kernel-fds.ts),
        // after the next connection's accept, which its worker stamps.
        this.trace.record(
          { type: 'close', pid, from: formatAddr(s.local), to: formatAddr(s.peer) },
          this.traceTime(at),
        );
        break;
      case 'datagram':
        // The kernel's writer hold, as a listener's.
        if (s.ring !== null) this.ipc.dropRings({ read: null, write: s.ring });
        break;
    }
    this.ports.unbind(s);
  }

  /** What the process list shows of `pid`'s sockets. */
  describe(pid: Pid): SocketInfo[] {
    return this.fds.socketsOf(pid).flatMap((id) => this.describeSocket(id));
  }

  /** What the process list shows of the connections from outside the run (the Preview's). */
  describeOutside(): SocketInfo[] {
    return [...this.outside].flatMap((id) => this.describeSocket(id));
  }

  private describeSocket(id: number): SocketInfo[] {
    const s = this.sockets.get(id);
    if (!s?.local) return [];
    const local = formatAddr(s.local);
    if (s.kind === 'listener') return [{ state: 'LISTEN', local, peer: null }];
    if (s.kind === 'connection') return [{ state: 'ESTAB', local, peer: formatAddr(s.peer) }];
    if (s.kind === 'stream') return [{ state: 'BOUND', local, peer: null }];
    return [{ state: 'UDP', local, peer: s.peer ? formatAddr(s.peer) : null }];
  }
}
