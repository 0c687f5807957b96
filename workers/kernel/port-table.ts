/**
 * Which socket has which address: TCP and UDP ports and AF_UNIX paths, as Linux gives them out.
 * Port 0 picks an ephemeral port; a second bind of an overlapping address is EADDRINUSE unless
 * both set SO_REUSEADDR and neither listens. Which addresses are this host is in net-addr.ts.
 */
import type { SysError } from '../protocol/common';
import { Errno } from '../protocol/constants';
import { AF, type SockAddr } from '../protocol/net';
import { isLocal, overlaps } from './net-addr';
import type { Bindable, Bound, Socket } from './net-sockets';

const EPHEMERAL = { first: 32768, last: 60999 } as const;

type NetError = SysError;

export class PortTable {
  /** Bound sockets by protocol and port (`tcp:8888`), or AF_UNIX path (`unix:/tmp/s`). */
  private readonly lists = new Map<string, Bound[]>();
  private nextEphemeral: number = EPHEMERAL.first;

  /** The sockets bound at `key`. */
  at(key: string): Bound[] {
    return this.lists.get(key) ?? [];
  }

  has(key: string): boolean {
    return this.lists.has(key);
  }

  /** `next` takes `old`'s place (a socket that became a listener or a connection). */
  replace(old: Socket, next: Bound): void {
    const key = this.keyOf(next);
    const list = this.lists.get(key)?.map((other) => (other === old ? next : other));
    if (list) this.lists.set(key, list);
  }

  key(s: Socket, port: number | string): string {
    if (s.family === AF.UNIX) return `unix:${port}`;
    return `${s.kind === 'datagram' ? 'udp' : 'tcp'}:${port}`;
  }

  keyOf(s: Bound): string {
    return this.key(s, s.family === AF.UNIX ? s.local.host : s.local.port);
  }

  /** Claims `addr` (port 0: an ephemeral one) for `s`; returns the address it got. */
  take(s: Bindable, addr: SockAddr): SockAddr | NetError {
    if (s.family === AF.UNIX) {
      if (addr.host === '' || addr.host.length > 107) return { errno: Errno.EINVAL };
      if (this.lists.has(this.key(s, addr.host))) return { errno: Errno.EADDRINUSE };
      return this.claim(s, { host: addr.host, port: -1 });
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
    return this.claim(s, { host: addr.host, port });
  }

  /** Sets `s`'s address and lists it there (Object.assign keeps the object, typed as bound). */
  claim(s: Bindable, local: SockAddr): SockAddr {
    const bound = Object.assign(s, { local });
    const key = this.keyOf(bound);
    this.lists.set(key, [...(this.lists.get(key) ?? []), bound]);
    return local;
  }

  private collides(s: Bindable, host: string, port: number): boolean {
    return (this.lists.get(this.key(s, port)) ?? []).some(
      (other) =>
        overlaps(host, other.local.host) &&
        !(s.reuse && other.reuse && other.kind !== 'listener' && s.kind === 'stream'),
    );
  }

  private ephemeral(s: Bindable, host: string): number | null {
    const span = EPHEMERAL.last - EPHEMERAL.first + 1;
    for (let i = 0; i < span; i++) {
      const port = this.nextEphemeral;
      this.nextEphemeral = port === EPHEMERAL.last ? EPHEMERAL.first : port + 1;
      if (!this.collides(s, host, port)) return port;
    }
    return null;
  }

  unbind(s: Socket): void {
    if (!s.local) return;
    const key = this.key(s, s.family === AF.UNIX ? s.local.host : s.local.port);
    const rest = (this.lists.get(key) ?? []).filter((other) => other !== s);
    if (rest.length) this.lists.set(key, rest);
    else this.lists.delete(key);
  }
}
