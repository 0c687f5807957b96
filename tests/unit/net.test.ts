/**
 * The virtual network (kernel/net-table.ts): ports and addresses as Linux assigns them, and the
 * rings of a connection operated on as the two process workers do.
 */
import { describe, expect, it } from 'vitest';
import {
  BROKEN_PIPE,
  CONNECTION_RESET,
  LENGTH_BYTES,
  WOULD_BLOCK,
  ringFlags,
  ringFree,
  ringUsed,
  ringWriteMessage,
  ringPoll,
  ringsPoll,
  ringRead,
  ringReadMessage,
  ringWrite,
} from '../../workers/ipc/ring';
import { stockAt, stockClaim } from '../../workers/ipc/connect-stock';
import { FdTable } from '../../workers/kernel/fd-table';
import { IpcTable } from '../../workers/kernel/ipc-table';
import { NetTable } from '../../workers/kernel/net-table';
import { Trace } from '../../workers/kernel/trace';
import { Poll, RingFlag } from '../../workers/protocol/ipc';
import {
  AF,
  type Connected,
  SHUT,
  SOCK,
  decodeAcceptRecord,
  encodeAcceptRecord,
  socketKindError,
} from '../../workers/protocol/net';
import { Errno } from '../../workers/protocol/constants';

const SERVER = 1;
const CLIENT = 2;
const bytesOf = (text: string) => new TextEncoder().encode(text);
const textOf = (data: Uint8Array) => new TextDecoder().decode(data);

function setup() {
  const ipc = new IpcTable();
  const fds = new FdTable(ipc, { closeAll: () => {} }); // no files here
  const trace = new Trace(() => 0);
  const net = new NetTable(ipc, fds, trace);
  const bytes = new Uint8Array(ipc.arena);
  const read = (ring: number, pid: number, max = 100) => {
    const dest = new Uint8Array(max);
    const n = ringRead(ipc.words, bytes, ring, dest, pid);
    return n < 0 ? n : textOf(dest.subarray(0, n));
  };
  const write = (ring: number, text: string, pid: number) =>
    ringWrite(ipc.words, bytes, ring, bytesOf(text), pid);
  /** A TCP listener of `SERVER` at fd 3 on 127.0.0.1:port. */
  const listen = (port: number, host = '127.0.0.1', fd = 3) => {
    expect(net.create(SERVER, fd, AF.INET, SOCK.STREAM)).toBe(0);
    expect(net.bind(SERVER, fd, { host, port }, false)).toMatchObject({ local: { host, port } });
    return net.listen(SERVER, fd, 5) as number;
  };
  const connect = (port: number, fd = 3, host = '127.0.0.1') => {
    net.create(CLIENT, fd, host.includes(':') ? AF.INET6 : AF.INET, SOCK.STREAM);
    return net.connect(CLIENT, fd, { host, port });
  };
  return { ipc, fds, net, trace, bytes, read, write, listen, connect };
}

describe('virtual network', () => {
  it("socket(2) refuses with Linux's errno, the same in the kernel as in the worker", () => {
    const { net } = setup();
    const cases: [number, number, number | null][] = [
      [AF.INET, SOCK.STREAM, null],
      [AF.INET6, SOCK.DGRAM, null],
      [AF.UNIX, SOCK.STREAM, null],
      [AF.UNIX, SOCK.DGRAM, Errno.EOPNOTSUPP],
      [17, SOCK.STREAM, Errno.EAFNOSUPPORT], // AF_PACKET
      // As native CPython on Linux answers (checked there):
      [AF.INET, 3, Errno.EPROTONOSUPPORT], // SOCK_RAW, protocol 0
      [AF.INET6, 5, Errno.ESOCKTNOSUPPORT], // SOCK_SEQPACKET
      [AF.INET, 11, Errno.EINVAL], // past SOCK_MAX
      [AF.UNIX, 4, Errno.ESOCKTNOSUPPORT], // SOCK_RDM
    ];
    cases.forEach(([family, type, errno], fd) => {
      expect(socketKindError(family, type)).toBe(errno);
      expect(net.create(CLIENT, 10 + fd, family, type)).toEqual(errno === null ? 0 : { errno });
    });
  });

  it('connect queues a connection; accept hands the server the crossed rings', () => {
    const { ipc, fds, net, read, write, listen, connect } = setup();
    const acceptRing = listen(8888);
    expect(ipc.describe(acceptRing)).toBe('accept 127.0.0.1:8888'); // what accept() waits on
    expect(ringPoll(ipc.words, acceptRing, 'r') & Poll.IN).toBe(0);
    const client = connect(8888) as Connected;
    expect(client.local).toEqual({ host: '127.0.0.1', port: 32768 });
    expect(client.peer).toEqual({ host: '127.0.0.1', port: 8888 });
    expect(ringPoll(ipc.words, acceptRing, 'r') & Poll.IN).toBe(Poll.IN); // select() says readable
    const server = net.accept(SERVER, 3, 4) as Connected;
    expect(net.accept(SERVER, 3, 5)).toEqual({ errno: 11 }); // EAGAIN: none left
    expect(server.peer).toEqual(client.local);
    expect([server.read, server.write]).toEqual([client.write, client.read]);
    write(client.write, 'hello', CLIENT);
    expect(read(server.read, SERVER)).toBe('hello');
    write(server.write, 'HELLO', SERVER);
    expect(read(client.read, CLIENT)).toBe('HELLO');
    expect(net.describe(SERVER).map((s) => s.state)).toEqual(['LISTEN', 'ESTAB']);
    expect(net.describe(CLIENT)).toEqual([
      { state: 'ESTAB', local: '127.0.0.1:32768', peer: '127.0.0.1:8888' },
    ]);
    fds.release(CLIENT);
    expect(read(server.read, SERVER)).toBe(''); // an orderly close: end of file
    fds.release(SERVER);
    expect(ipc.objectCount).toBe(0);
  });

  it('refuses, rejects and reports addresses as Linux does', () => {
    const { net, listen, connect } = setup();
    expect(connect(9999)).toEqual({ errno: 111 }); // nothing listens: ECONNREFUSED
    listen(8888);
    net.create(CLIENT, 5, AF.INET, SOCK.STREAM);
    expect(net.bind(CLIENT, 5, { host: '127.0.0.1', port: 8888 }, true)).toEqual({ errno: 98 });
    expect(net.bind(CLIENT, 5, { host: '0.0.0.0', port: 8888 }, false)).toEqual({ errno: 98 });
    expect(net.bind(CLIENT, 5, { host: '10.0.0.7', port: 80 }, false)).toEqual({ errno: 99 });
    expect(net.connect(CLIENT, 5, { host: '93.184.216.34', port: 80 })).toEqual({ errno: 101 });
    net.create(CLIENT, 6, AF.INET6, SOCK.STREAM);
    expect(net.bind(CLIENT, 6, { host: '::1', port: 8888 }, false)).toMatchObject({
      local: { host: '::1', port: 8888 },
    });
  });

  it('SO_REUSEADDR lets a second socket bind a port that is not listening', () => {
    const { net } = setup();
    const at = { host: '127.0.0.1', port: 7000 };
    for (const fd of [3, 4]) net.create(SERVER, fd, AF.INET, SOCK.STREAM);
    expect(net.bind(SERVER, 3, at, true)).toEqual({ local: at, ring: -1 });
    expect(net.bind(SERVER, 4, at, true)).toEqual({ local: at, ring: -1 });
    expect(net.listen(SERVER, 3, 5)).toBeGreaterThan(0);
    net.create(SERVER, 5, AF.INET, SOCK.STREAM);
    expect(net.bind(SERVER, 5, at, true)).toEqual({ errno: 98 });
  });

  it('a wildcard listener takes IPv4 and IPv6 loopback connections', () => {
    const { net, listen, connect } = setup();
    net.create(SERVER, 3, AF.INET6, SOCK.STREAM);
    net.bind(SERVER, 3, { host: '::', port: 8080 }, false);
    net.listen(SERVER, 3, 5);
    const v4 = connect(8080) as Connected;
    expect(v4.peer).toEqual({ host: '::ffff:127.0.0.1', port: 8080 });
    const accepted = net.accept(SERVER, 3, 4) as Connected;
    expect(accepted.peer).toEqual({ host: '::ffff:127.0.0.1', port: v4.local.port });
    expect(connect(8080, 5, '::1')).toMatchObject({ peer: { host: '::1', port: 8080 } });
    void listen;
  });

  it('closing with unread data resets the connection; the first write after is lost', () => {
    const { fds, net, read, write, listen, connect } = setup();
    listen(8888);
    const client = connect(8888) as Connected;
    const server = net.accept(SERVER, 3, 4) as Connected;
    expect(write(client.write, 'unread', CLIENT)).toBe(6);
    expect(write(server.write, 'reply', SERVER)).toBe(5);
    fds.close(SERVER, 4); // the server closes without reading: TCP sends RST
    expect(read(client.read, CLIENT)).toBe('reply'); // what had arrived is still read
    expect(read(client.read, CLIENT)).toBe(CONNECTION_RESET);
    expect(write(client.write, 'x', CLIENT)).toBe(BROKEN_PIPE);
  });

  it('a write to a peer that closed cleanly is taken once, then EPIPE', () => {
    const { fds, net, write, listen, connect } = setup();
    listen(8888);
    const client = connect(8888) as Connected;
    const server = net.accept(SERVER, 3, 4) as Connected;
    fds.close(CLIENT, 3);
    expect(write(server.write, 'Hello, World!', SERVER)).toBe(13);
    expect(write(server.write, 'again', SERVER)).toBe(BROKEN_PIPE);
    void client;
  });

  it('shutdown(SHUT_WR) gives the peer end of file while it can still send back', () => {
    const { net, read, write, listen, connect } = setup();
    listen(8888);
    const client = connect(8888) as Connected;
    const server = net.accept(SERVER, 3, 4) as Connected;
    write(client.write, 'request', CLIENT);
    expect(net.shutdown(CLIENT, 3, SHUT.WR)).toBe(0);
    expect(read(server.read, SERVER)).toBe('request');
    expect(read(server.read, SERVER)).toBe('');
    expect(write(client.write, 'more', CLIENT)).toBe(BROKEN_PIPE);
    write(server.write, 'response', SERVER);
    expect(read(client.read, CLIENT)).toBe('response');
  });

  it('poll flags follow tcp_poll: FIN is IN|RDHUP, HUP once both ends stop sending', () => {
    const { ipc, fds, net, listen, connect } = setup();
    listen(8888);
    const client = connect(8888) as Connected;
    const server = net.accept(SERVER, 3, 4) as Connected;
    const flags = (end: Connected) => ringsPoll(ipc.words, end.read, end.write);
    expect(flags(client)).toBe(Poll.OUT);
    expect(net.shutdown(CLIENT, 3, SHUT.WR)).toBe(0);
    expect(flags(client)).toBe(Poll.OUT); // still writable, as Linux says, and not readable
    expect(flags(server)).toBe(Poll.IN | Poll.OUT | Poll.RDHUP);
    expect(net.shutdown(SERVER, 4, SHUT.WR)).toBe(0);
    expect(flags(server)).toBe(Poll.IN | Poll.OUT | Poll.RDHUP | Poll.HUP);
    fds.close(SERVER, 4); // the peer's close: readable, no hang-up yet
    const other = connect(8888, 5) as Connected;
    net.accept(SERVER, 3, 6);
    fds.close(SERVER, 6);
    expect(flags(other)).toBe(Poll.IN | Poll.OUT | Poll.RDHUP);
  });

  it('a socket passed to a child stays open when the parent closes it', () => {
    const { fds, net, read, write, listen, connect } = setup();
    listen(8888);
    const client = connect(8888) as Connected;
    net.accept(SERVER, 3, 4);
    fds.inherit(SERVER, 7, { pass: [4] }, null);
    fds.close(SERVER, 4);
    write(client.write, 'still there', CLIENT);
    const child = fds.get(7, 4)!;
    expect(read(child.read!, 7)).toBe('still there');
    expect(read(client.read, CLIENT)).toBe(WOULD_BLOCK);
  });

  it('a swamped listener refuses a connection and keeps no trace of it', () => {
    const { ipc, net, bytes, listen, connect } = setup();
    const acceptRing = listen(8888);
    // Fill the accept ring to within a few bytes (4,096 waiting connections come first, and the
    // arena holds fewer), so that the next record does not fit.
    const room = ringFree(ipc.words, acceptRing) - LENGTH_BYTES - 8;
    expect(ringWriteMessage(ipc.words, bytes, acceptRing, 0x7ffffffe, new Uint8Array(room))).toBe(
      room,
    );
    const objects = ipc.objectCount;
    expect(connect(8888)).toEqual({ errno: 111 }); // ECONNREFUSED, as a full SYN queue
    expect(ipc.objectCount).toBe(objects); // its rings are freed
    expect(net.describe(SERVER).map((s) => s.state)).toEqual(['LISTEN']);
    // Once the queue drains, accept finds no stale connection behind the refused one.
    expect(ringReadMessage(ipc.words, bytes, acceptRing, SERVER)).toHaveLength(room);
    const client = connect(8888, 4) as Connected;
    const server = net.accept(SERVER, 3, 4) as Connected;
    expect(server.peer).toEqual(client.local);
    expect([server.read, server.write]).toEqual([client.write, client.read]);
  });

  it("the client's end is held before its record reaches the accept ring", () => {
    // A server takes the record at once, on another thread: a ring nobody held yet would read
    // as end of file there (the request lost, as a concurrent http.server client saw).
    const { ipc, fds, listen, connect } = setup();
    const acceptRing = listen(8888);
    const bind = fds.bind.bind(fds);
    const recordsAtBind: number[] = [];
    fds.bind = (pid, fd, entry, replace) => {
      if (pid === CLIENT) recordsAtBind.push(ringUsed(ipc.words, acceptRing));
      return bind(pid, fd, entry, replace);
    };
    const client = connect(8888) as Connected;
    expect(recordsAtBind.at(-1)).toBe(0);
    expect(ringPoll(ipc.words, client.write, 'w') & Poll.OUT).toBe(Poll.OUT);
  });

  it("a worker's accept reads the waiting connection from the ring and tells the kernel", () => {
    const { ipc, fds, net, bytes, trace, listen, connect } = setup();
    const acceptRing = listen(8888);
    expect(ringFlags(ipc.words, acceptRing) & RingFlag.ACCEPT).toBe(RingFlag.ACCEPT);
    const client = connect(8888) as Connected;
    const message = ringReadMessage(ipc.words, bytes, acceptRing, SERVER) as Uint8Array;
    const record = decodeAcceptRecord(message);
    expect(record).toMatchObject({ read: client.write, write: client.read, peer: client.local });
    expect(record.local).toEqual(client.peer); // the server's end's address: getsockname
    expect(net.accepted(SERVER, 3, 4, record.id + 1)).toEqual({ errno: Errno.EINVAL }); // none
    expect(net.accepted(SERVER, 3, 4, record.id)).toMatchObject({ peer: client.local });
    expect(fds.get(SERVER, 4)).toMatchObject({ read: client.write, write: client.read });
    expect(net.accepted(SERVER, 3, 5, record.id)).toEqual({ errno: Errno.EINVAL }); // once
    expect(trace.all().map((e) => e.type)).toContain('accept');
    expect(net.describe(SERVER).map((s) => s.state)).toEqual(['LISTEN', 'ESTAB']);
    // A host with spaces (an AF_UNIX path) comes back whole.
    const unix = {
      id: 7,
      read: 64,
      write: 128,
      local: { host: '/tmp/s', port: -1 },
      peer: { host: '/tmp/a b "c"', port: -1 },
    };
    expect(decodeAcceptRecord(encodeAcceptRecord(unix))).toEqual(unix);
  });

  it('closing a listener resets the connections it never accepted, and frees the port', () => {
    const { fds, read, listen, connect } = setup();
    listen(8888);
    const client = connect(8888) as Connected;
    fds.close(SERVER, 3);
    expect(read(client.read, CLIENT)).toBe(CONNECTION_RESET);
    expect(connect(8888, 4)).toEqual({ errno: 111 });
    expect(listen(8888, '127.0.0.1', 9)).toBeGreaterThan(0);
  });

  it('UDP: datagrams arrive whole with their sender; nobody bound means lost', () => {
    const { ipc, net, bytes } = setup();
    net.create(SERVER, 3, AF.INET, SOCK.DGRAM);
    const { ring } = net.bind(SERVER, 3, { host: '127.0.0.1', port: 9000 }, false) as {
      ring: number;
    };
    net.create(CLIENT, 3, AF.INET, SOCK.DGRAM);
    const first = net.sendTo(CLIENT, 3, bytesOf('ping'), { host: '127.0.0.1', port: 9000 }, CLIENT);
    expect(first).toMatchObject({ sent: 4 });
    expect((first as { ring: number }).ring).toBeGreaterThan(0); // the send bound it
    expect(
      net.sendTo(CLIENT, 3, bytesOf('lost'), { host: '127.0.0.1', port: 9001 }, CLIENT),
    ).toMatchObject({ sent: 4, ring: -1 });
    const message = ringReadMessage(ipc.words, bytes, ring, SERVER) as Uint8Array;
    expect(textOf(message)).toBe('127.0.0.1 32768\nping');
    expect(ringReadMessage(ipc.words, bytes, ring, SERVER)).toBe(WOULD_BLOCK);
  });

  it('UDP: a connected socket takes datagrams from its peer only', () => {
    const { ipc, net, bytes } = setup();
    net.create(SERVER, 3, AF.INET, SOCK.DGRAM);
    const { ring } = net.bind(SERVER, 3, { host: '0.0.0.0', port: 9000 }, false) as {
      ring: number;
    };
    net.create(CLIENT, 3, AF.INET, SOCK.DGRAM); // will be 127.0.0.1:32768
    net.create(CLIENT, 4, AF.INET, SOCK.DGRAM); // will be 127.0.0.1:32769
    const to = { host: '127.0.0.1', port: 9000 };
    net.sendTo(CLIENT, 3, bytesOf('bind me'), to, CLIENT);
    net.sendTo(CLIENT, 4, bytesOf('bind me'), to, CLIENT);
    const take = () => textOf(ringReadMessage(ipc.words, bytes, ring, SERVER) as Uint8Array);
    expect(take()).toBe('127.0.0.1 32768\nbind me');
    expect(take()).toBe('127.0.0.1 32769\nbind me');
    expect(net.connect(SERVER, 3, { host: '127.0.0.1', port: 32769 })).toMatchObject({
      read: -1,
    });
    expect(net.sendTo(CLIENT, 3, bytesOf('stranger'), to, CLIENT)).toMatchObject({ sent: 8 });
    net.sendTo(CLIENT, 4, bytesOf('peer'), to, CLIENT);
    expect(take()).toBe('127.0.0.1 32769\npeer');
    expect(ringReadMessage(ipc.words, bytes, ring, SERVER)).toBe(WOULD_BLOCK);
  });

  it('AF_UNIX: a path is taken until closed; an unknown path is ENOENT', () => {
    const { ipc, fds, net } = setup();
    net.create(SERVER, 3, AF.UNIX, SOCK.STREAM);
    const path = { host: '/tmp/s', port: -1 };
    expect(net.bind(SERVER, 3, path, false)).toEqual({ local: path, ring: -1 });
    net.create(CLIENT, 3, AF.UNIX, SOCK.STREAM);
    expect(net.bind(CLIENT, 3, { host: '/tmp/s', port: -1 }, false)).toEqual({ errno: 98 });
    expect(net.connect(CLIENT, 3, { host: '/tmp/s', port: -1 })).toEqual({ errno: 111 });
    expect(net.connect(CLIENT, 3, { host: '/tmp/none', port: -1 })).toEqual({ errno: 2 });
    net.listen(SERVER, 3, 5);
    expect(net.connect(CLIENT, 3, { host: '/tmp/s', port: -1 })).toMatchObject({
      peer: { host: '/tmp/s', port: -1 },
    });
    fds.release(SERVER);
    fds.release(CLIENT);
    expect(ipc.objectCount).toBe(0);
  });

  it('records listen, connect, accept and close in the trace', () => {
    const { fds, net, trace, listen, connect } = setup();
    listen(8888);
    connect(8888);
    net.accept(SERVER, 3, 4);
    fds.close(CLIENT, 3);
    expect(trace.all().map((e) => e.type)).toEqual(['listen', 'connect', 'accept', 'close']);
  });

  it('a close told late keeps the time its worker closed it', () => {
    let clock = 10;
    const ipc = new IpcTable();
    const fds = new FdTable(ipc, { closeAll: () => {} });
    const trace = new Trace(() => clock);
    const net = new NetTable(ipc, fds, trace);
    const connectFrom = (fd: number) => {
      net.create(CLIENT, fd, AF.INET, SOCK.STREAM);
      return net.connect(CLIENT, fd, { host: '127.0.0.1', port: 8888 });
    };
    net.create(SERVER, 3, AF.INET, SOCK.STREAM);
    net.bind(SERVER, 3, { host: '127.0.0.1', port: 8888 }, false);
    net.listen(SERVER, 3, 5);
    connectFrom(3);
    net.accept(SERVER, 3, 4);
    clock = 25;
    connectFrom(4); // the next client, after the first one closed
    clock = 30;
    // The first client closed 10 ms ago (at 20), without waiting for the kernel.
    fds.close(CLIENT, 3, false, performance.timeOrigin + performance.now() - 10);
    const events = trace.all();
    expect(events.map((e) => e.type)).toEqual(['listen', 'connect', 'accept', 'close', 'connect']);
    expect(events[3].t).toBeCloseTo(20, 0);
  });
});

describe('connections made ahead (ipc/connect-stock.ts)', () => {
  /** What a client's worker does to connect with a stock slot (runtime/net-slice.ts). */
  function connectAhead(env: ReturnType<typeof setup>, fd: number, port: number) {
    const { ipc, net, bytes } = env;
    const stock = stockAt(ipc.words, net.portDirectory, port);
    const claim = stock ? stockClaim(ipc.words, stock, CLIENT) : null;
    if (!claim) return null;
    const local = { host: '127.0.0.1', port: claim.clientPort };
    const server = { host: '127.0.0.1', port };
    const record = {
      id: claim.serverId,
      read: claim.there,
      write: claim.back,
      local: server,
      peer: local,
    };
    ringWriteMessage(ipc.words, bytes, claim.acceptRing, CLIENT, encodeAcceptRecord(record));
    net.connected(CLIENT, fd, stock, claim.slot); // what the worker tells after
    return { read: claim.back, write: claim.there, local };
  }

  it('a listener gets a stock once a client connected through the kernel', () => {
    const env = setup();
    const { ipc, net, listen, connect } = env;
    listen(8888, '0.0.0.0');
    expect(stockAt(ipc.words, net.portDirectory, 8888)).toBe(0); // nobody connected yet
    expect(connect(8888)).toMatchObject({ peer: { port: 8888 } });
    expect(stockAt(ipc.words, net.portDirectory, 8888)).not.toBe(0);
  });

  it('a client takes a connection made ahead: the server accepts it, bytes flow, the kernel knows it', () => {
    const env = setup();
    const { ipc, fds, net, trace, read, write, listen, connect } = env;
    listen(8888, '0.0.0.0');
    connect(8888, 3); // through the kernel: the stock is made
    net.create(CLIENT, 4, AF.INET, SOCK.STREAM);
    const client = connectAhead(env, 4, 8888)!;
    expect(client.local.port).toBeGreaterThanOrEqual(32768);
    net.accept(SERVER, 3, 10); // the first connection
    const server = net.accept(SERVER, 3, 11) as Connected;
    expect(server.peer).toEqual(client.local);
    expect(server.local).toEqual({ host: '127.0.0.1', port: 8888 });
    expect([server.read, server.write]).toEqual([client.write, client.read]);
    write(client.write, 'hello', CLIENT);
    expect(read(server.read, SERVER)).toBe('hello');
    expect(net.info(CLIENT, 4)).toMatchObject({ local: client.local, peer: server.local });
    expect(fds.get(CLIENT, 4)).toMatchObject({ read: client.read, write: client.write });
    expect(net.describe(CLIENT).map((s) => s.state)).toEqual(['ESTAB', 'ESTAB']);
    const connects = trace.all().filter((e) => e.type === 'connect');
    expect(connects).toHaveLength(2);
    // Its port is taken while it lives: no other socket gets it.
    expect(net.create(CLIENT, 5, AF.INET, SOCK.STREAM)).toBe(0);
    expect(net.bind(CLIENT, 5, { host: '127.0.0.1', port: client.local.port }, false)).toEqual({
      errno: Errno.EADDRINUSE,
    });
    // Both ends close: end of file each way, and only the stock's own rings are left.
    fds.close(CLIENT, 4);
    expect(read(server.read, SERVER)).toBe('');
    fds.close(SERVER, 11);
    fds.release(CLIENT);
    fds.release(SERVER); // the listener: its stock goes with it
    expect(ipc.objectCount).toBe(0);
    expect(stockAt(ipc.words, net.portDirectory, 8888)).toBe(0);
  });

  it('a claim told after its listener closed reads as reset, and leaves nothing behind', () => {
    const env = setup();
    const { ipc, fds, net, read, listen, connect } = env;
    listen(8888, '0.0.0.0');
    connect(8888, 3);
    net.create(CLIENT, 4, AF.INET, SOCK.STREAM);
    const stock = stockAt(ipc.words, net.portDirectory, 8888);
    const claim = stockClaim(ipc.words, stock, CLIENT)!;
    fds.release(SERVER); // the listener closes before the client's message arrives
    net.connected(CLIENT, 4, stock, claim.slot);
    expect(read(claim.back, CLIENT)).toBe(CONNECTION_RESET);
    fds.release(CLIENT);
    expect(ipc.objectCount).toBe(0);
  });

  it('a claim nobody made is ignored', () => {
    const env = setup();
    const { ipc, fds, net, listen, connect } = env;
    listen(8888, '0.0.0.0');
    connect(8888, 3);
    net.create(CLIENT, 4, AF.INET, SOCK.STREAM);
    const stock = stockAt(ipc.words, net.portDirectory, 8888);
    net.connected(CLIENT, 4, stock, 0); // slot 0 is READY, not claimed by CLIENT
    expect(fds.get(CLIENT, 4)).toMatchObject({ read: null, write: null });
    expect(connectAhead(env, 4, 8888)).not.toBeNull(); // still there to take
  });
});
