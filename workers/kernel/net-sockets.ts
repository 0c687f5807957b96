/**
 * The virtual network's sockets as the kernel keeps them (net-table.ts): one object a socket,
 * of the kind it is now.
 */
import type { SockAddr } from '../protocol/net';

/** What every socket has, in any state. */
export interface SocketBase {
  id: number;
  family: number;
  /** Descriptors naming it, in any process, and the kernel while a connection waits in accept. */
  holders: number;
  /** SO_REUSEADDR, as of its bind. */
  reuse: boolean;
}

/** A stream socket neither listening nor connected: new, or bound (`local`). */
export interface Stream extends SocketBase {
  kind: 'stream';
  local: SockAddr | null;
}

/** A stream socket after listen(2). Its descriptor reads `ring`, a record a waiting connection. */
export interface Listener extends SocketBase {
  kind: 'listener';
  local: SockAddr;
  ring: number;
  /** Connections made but not yet accepted, by the server end's id. */
  pending: Map<number, Connection>;
}

/** A connected stream socket (either end): it reads and writes a pair of crossed rings. */
export interface Connection extends SocketBase {
  kind: 'connection';
  local: SockAddr;
  peer: SockAddr;
  read: number;
  write: number;
}

/** A UDP socket: bound (`local`) explicitly or by its first connect or send; the kernel writes
 * each datagram to `ring`, which its descriptor reads (null until bound, or if that failed). */
export interface Datagram extends SocketBase {
  kind: 'datagram';
  local: SockAddr | null;
  /** The default destination, and the only source taken (connect(2)). */
  peer: SockAddr | null;
  ring: number | null;
}

/** A socket changes kind only by becoming a listener or a connection (see `become`). */
export type Socket = Stream | Listener | Connection | Datagram;
/** What bind(2) can give an address to. */
export type Bindable = Stream | Datagram;
/** A socket with its address: what the `bound` index lists. */
export type Bound = Socket & { local: SockAddr };
