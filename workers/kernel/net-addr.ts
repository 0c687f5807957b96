/**
 * The virtual network's addresses (net-table.ts): which hosts are this machine, when two bound
 * addresses collide, which socket a connection or datagram reaches, and what a packet's source
 * address is. `0.0.0.0` and `::` listen for every local address, `::` for IPv4 too (as
 * v4-mapped addresses). Every rule here is Linux's, where a program can see it.
 */
import { AF, type SockAddr } from '../protocol/net';

export const isV6 = (host: string) => host.includes(':');
const WILDCARDS: ReadonlySet<string> = new Set(['0.0.0.0', '::']);

/** Is `host` this machine (a loopback or wildcard address of the family)? */
export function isLocal(family: number, host: string): boolean {
  if (family === AF.INET6) return host === '::1' || host === '::' || host === '::ffff:127.0.0.1';
  return host === '0.0.0.0' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Do two bound addresses of one port collide? `::` covers IPv4 too (IPV6_V6ONLY is off). */
export function overlaps(a: string, b: string): boolean {
  if (a === b || a === '::' || b === '::') return true;
  if (isV6(a) !== isV6(b)) return false;
  return WILDCARDS.has(a) || WILDCARDS.has(b);
}

/** The address a packet from `local` to `peer` carries: a wildcard is the loopback there. */
export function sourceAddr(local: SockAddr, peer: string): SockAddr {
  if (!WILDCARDS.has(local.host)) return local;
  return { host: isV6(peer) ? '::1' : '127.0.0.1', port: local.port };
}

/** Whether a datagram from `from` is one a socket connected to `peer` takes (Linux drops the
 * rest). A wildcard peer stands for the loopback; a v4-mapped address for its IPv4 one. */
export function fromPeer(peer: SockAddr, from: SockAddr): boolean {
  const plain = (host: string) =>
    host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host.replace(/^::ffff:/, '');
  return peer.port === from.port && plain(peer.host) === plain(from.host);
}

/** The address a connection or datagram to `host` reaches: a wildcard means the loopback. */
const reached = (host: string) => (host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host);

/** Of the listeners on a port, the one a connection to `host` reaches: the one bound to that
 * address, else its family's wildcard, else `::` (which takes IPv4 too). */
export function listenerAt<T extends { local: SockAddr }>(listeners: T[], host: string): T | null {
  const to = reached(host);
  return (
    listeners.find((s) => s.local.host === to) ??
    listeners.find((s) => s.local.host === (isV6(to) ? '::' : '0.0.0.0')) ??
    listeners.find((s) => s.local.host === '::' && !isV6(to)) ??
    null
  );
}

/** Of the datagram sockets on a port, the one a datagram to `host` reaches: the one bound to
 * that address, else a wildcard covering it. */
export function receiverAt<T extends { local: SockAddr }>(sockets: T[], host: string): T | null {
  const to = reached(host);
  return (
    sockets.find((s) => s.local.host === to) ??
    sockets.find((s) => overlaps(s.local.host, to) && WILDCARDS.has(s.local.host)) ??
    null
  );
}

/** A connection's ends as its server sees them. A wildcard listener's end is the loopback the
 * client reached; one on `::` shows IPv4 addresses as v4-mapped. */
export function serverEnds(
  listener: { family: number; local: SockAddr },
  client: { family: number; local: SockAddr },
): { local: SockAddr; peer: SockAddr } {
  const bound = listener.local;
  const mapped = (host: string) => (bound.host === '::' && !isV6(host) ? `::ffff:${host}` : host);
  const loopback = client.family === AF.INET ? '127.0.0.1' : '::1';
  const local =
    listener.family === AF.UNIX
      ? bound
      : { host: mapped(WILDCARDS.has(bound.host) ? loopback : bound.host), port: bound.port };
  return { local, peer: { host: mapped(client.local.host), port: client.local.port } };
}

export const formatAddr = ({ host, port }: SockAddr) =>
  port < 0 ? host : isV6(host) ? `[${host}]:${port}` : `${host}:${port}`;
