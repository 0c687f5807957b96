/**
 * The virtual network's system calls: the kernel ↔ process boundary for sockets.
 *
 * A socket is a kernel descriptor (protocol/ipc.ts). The kernel brokers only its setup and
 * teardown: bind, listen, connect, accept, close. A connected stream socket then reads and writes
 * a pair of crossed rings in the shared arena directly, as a socket pair does, so data never
 * passes through the kernel. A listener's descriptor reads its accept ring (a message a waiting
 * connection, `AcceptRecord`), and a datagram socket's its receive ring, so `select` and `poll`
 * work on both. accept(2) takes a connection from the ring itself and tells the kernel after
 * (`NetSyscalls.sockAccepted`), so no answer is waited for.
 */
import type { Pid, Reply } from './common';
import { Errno, type ErrnoValue } from './constants';

/** Address families and socket types, with Linux's numbers. */
export const AF = { UNIX: 1, INET: 2, INET6: 10 } as const;
export const SOCK = { STREAM: 1, DGRAM: 2 } as const;
export const SHUT = { RD: 0, WR: 1, RDWR: 2 } as const;

/**
 * A socket address: an AF_UNIX path (`port` -1), or an IP address (dotted or IPv6 text, as
 * Python prints it) and port.
 */
export interface SockAddr {
  host: string;
  port: number;
}

/** A connection's two ends, as `getsockname` and `getpeername` give them. */
export interface Connected {
  read: number;
  write: number;
  local: SockAddr;
  peer: SockAddr;
}

/** The port directory (ipc/connect-stock.ts): a word a TCP port. */
export const PORT_DIRECTORY_BYTES = 65536 * 4;

/** A listener's stock of connections made ahead (ipc/connect-stock.ts): word indexes. */
export const Stock = {
  ACCEPT_RING: 0,
  SLOTS: 1,
  HEADER_WORDS: 4,
  SLOT_WORDS: 8,
  /** Slots a stock has room for; the kernel keeps fewer prepared until clients come quickly. */
  MAX_SLOTS: 32,
  BYTES: (4 + 32 * 8) * 4,
} as const;

/** A slot's words; its state is EMPTY, READY, or -pid of the client that claimed it. */
export const StockSlot = {
  STATE: 0,
  SERVER_ID: 1,
  THERE: 2,
  BACK: 3,
  CLIENT_PORT: 4,
  EMPTY: 0,
  READY: 1,
} as const;

/** A connection waiting in a listener's accept ring: the server's end (socket `id`), its
 * rings, its address and the client's. */
export interface AcceptRecord {
  id: number;
  read: number;
  write: number;
  local: SockAddr;
  peer: SockAddr;
}

/** An accept ring message: the numbers, then the addresses as JSON (an AF_UNIX path may hold
 * any character). */
export function encodeAcceptRecord({ id, read, write, local, peer }: AcceptRecord): Uint8Array {
  return new TextEncoder().encode(`${id} ${read} ${write} ${JSON.stringify([local, peer])}`);
}

export function decodeAcceptRecord(message: Uint8Array): AcceptRecord {
  const text = new TextDecoder().decode(message);
  const numbers: number[] = [];
  let at = 0;
  for (let i = 0; i < 3; i++) {
    const space = text.indexOf(' ', at);
    numbers.push(Number(text.slice(at, space)));
    at = space + 1;
  }
  const [id, read, write] = numbers;
  const [local, peer] = JSON.parse(text.slice(at)) as [SockAddr, SockAddr];
  return { id, read, write, local, peer };
}

/** Linux's socket types past the two this network has: raw, sequenced packets, and the last
 * one it knows. */
const SOCK_RAW = 3;
const SOCK_SEQPACKET = 5;
const SOCK_MAX = 10;
/** What Linux's AF_UNIX has besides streams, which this network has not. */
const UNIX_ON_LINUX_ONLY: number[] = [SOCK.DGRAM, SOCK_RAW, SOCK_SEQPACKET];

/** Why socket(2) refuses `family` and `type` (Linux's errno), or null: the same answer on both
 * sides, so that a process need not wait for the kernel's. AF_UNIX has only streams here
 * (EOPNOTSUPP where Linux has more). */
export function socketKindError(family: number, type: number): ErrnoValue | null {
  if (family !== AF.UNIX && family !== AF.INET && family !== AF.INET6) return Errno.EAFNOSUPPORT;
  if (!Number.isInteger(type) || type < 0 || type > SOCK_MAX) return Errno.EINVAL;
  if (type === SOCK.STREAM) return null;
  if (family === AF.UNIX) {
    return UNIX_ON_LINUX_ONLY.includes(type) ? Errno.EOPNOTSUPP : Errno.ESOCKTNOSUPPORT;
  }
  if (type === SOCK.DGRAM) return null;
  return type === SOCK_RAW ? Errno.EPROTONOSUPPORT : Errno.ESOCKTNOSUPPORT;
}

export interface NetSyscalls {
  /** A new socket at descriptor `fd` (reserved by the worker). The worker does not wait for the
   * answer: it checked `socketKindError` itself, and its next call comes after this one. */
  sockCreate(fd: number, family: number, type: number): Reply<0>;
  /** bind(2); `reuse` is SO_REUSEADDR. Returns the bound address (port 0 picks one). A datagram
   * socket gets its receive ring then: `ring`. */
  sockBind(fd: number, addr: SockAddr, reuse: boolean): Reply<{ local: SockAddr; ring: number }>;
  /** listen(2): returns the accept ring the descriptor now reads. */
  sockListen(fd: number, backlog: number): Reply<number>;
  /** connect(2) of a stream socket, or the default peer of a datagram socket (`write` -1;
   * `read` its receive ring if this bound it, else -1). */
  sockConnect(fd: number, addr: SockAddr): Reply<Connected>;
  /** accept(2) as `fd`: EAGAIN while no connection waits (poll the listener for POLLIN). A
   * worker asks this only of a descriptor whose ring is no accept ring: for the error. */
  sockAccept(listenerFd: number, fd: number): Reply<Connected>;
  /** The worker took connection `id` from the accept ring of `listenerFd` as descriptor `fd`,
   * at `at` (the clock workers share: `performance.timeOrigin + performance.now()`), which the
   * trace keeps: a client's message about the same connection may come to the kernel later. */
  sockAccepted(listenerFd: number, fd: number, id: number, at: number): void;
  /** The worker connected `fd` with slot `slot` of the stock at `stock` (ipc/connect-stock.ts),
   * whose record it wrote into the listener's accept ring. */
  sockConnected(fd: number, stock: number, slot: number, at: number): void;
  /** sendto(2) of one datagram; to the connected peer when `addr` is null. `ring` is the
   * socket's receive ring when this send bound it (else -1). */
  /** One datagram; the trace records it as thread `tid`'s send, once delivered. */
  sockSendTo(
    fd: number,
    data: Uint8Array,
    addr: SockAddr | null,
    tid: Pid,
  ): Reply<{ sent: number; ring: number }>;
  /** What `fd` is: a socket made by `sockCreate` or `accept`, or one end of a socket pair. */
  sockInfo(fd: number): Reply<SocketState>;
  /** shutdown(2): SHUT_WR ends the stream for the peer (end of file once read). */
  sockShutdown(fd: number, how: number): Reply<0>;
}

/** The calls a worker makes through `netNow`: each is answered at once, never waits. */
export const NET_NOW_CALLS = [
  'sockBind',
  'sockListen',
  'sockConnect',
  'sockAccept',
  'sockSendTo',
  'sockShutdown',
  'sockInfo',
] as const;
export type NetNowName = (typeof NET_NOW_CALLS)[number];
/** What `netNow` answers for call `Name`: its value, or `{errno}`. */
export type NetAnswer<Name extends NetNowName> = Awaited<ReturnType<NetSyscalls[Name]>>;

export interface NetNowSyscalls {
  /** Call `name`, answered in the process's interrupt buffer as number `seq` (see
   * protocol/constants.ts `ANSWERED_INDEX`) rather than by a reply message. */
  netNow<Name extends NetNowName>(
    seq: number,
    name: Name,
    args: Parameters<NetSyscalls[Name]>,
  ): void;
}

export interface SocketState {
  family: number;
  type: number;
  /** Null until bound (explicitly, or by connect or sendto). */
  local: SockAddr | null;
  peer: SockAddr | null;
  listening: boolean;
}

/** What the process list shows of one process's sockets. */
export interface SocketInfo {
  /** `LISTEN`, `ESTAB` (a connection) or `UDP`, as `ss` abbreviates states. */
  state: 'LISTEN' | 'ESTAB' | 'UDP' | 'BOUND';
  local: string;
  peer: string | null;
}

export type { Pid };
