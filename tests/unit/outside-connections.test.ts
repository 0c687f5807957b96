/**
 * Connections from outside the run (kernel/outside-connections.ts): the page's end of a TCP
 * connection to a server of the run, carried over a MessagePort, with the server's rings
 * operated on as its process worker does.
 */
import { describe, expect, it } from 'vitest';
import { ringRead, ringWrite, WOULD_BLOCK } from '../../workers/ipc/ring';
import { FdTable } from '../../workers/kernel/fd-table';
import { IpcTable } from '../../workers/kernel/ipc-table';
import { NetTable } from '../../workers/kernel/net-table';
import { OutsideConnections } from '../../workers/kernel/outside-connections';
import { Trace } from '../../workers/kernel/trace';
import { Errno } from '../../workers/protocol/constants';
import { AF, type Connected, SOCK } from '../../workers/protocol/net';
import {
  type FromServer,
  OUTSIDE_PID,
  OUTSIDE_WINDOW,
  type ToServer,
} from '../../workers/protocol/outside';

const SERVER = 1;
const bytesOf = (text: string) => new TextEncoder().encode(text);

function setup() {
  const ipc = new IpcTable();
  const fds = new FdTable(ipc, { closeAll: () => {} });
  const trace = new Trace(() => 0);
  const net = new NetTable(ipc, fds, trace);
  const changes = { count: 0 };
  const outside = new OutsideConnections(net, ipc, () => changes.count++);
  expect(net.create(SERVER, 3, AF.INET, SOCK.STREAM)).toBe(0);
  net.bind(SERVER, 3, { host: '0.0.0.0', port: 8000 }, false);
  net.listen(SERVER, 3, 5);
  /** The page's side: what the kernel posted, and a way to wait for more. */
  const page = () => {
    const { port1, port2 } = new MessageChannel();
    const got: FromServer[] = [];
    let changed = () => {};
    port1.onmessage = ({ data }: MessageEvent<FromServer>) => {
      got.push(data);
      changed();
    };
    const until = (done: () => boolean) =>
      new Promise<void>((resolve) => {
        if (done()) return resolve();
        changed = () => done() && resolve();
      });
    const send = (message: ToServer) => port1.postMessage(message);
    const text = () =>
      got.map((m) => ('data' in m ? new TextDecoder().decode(m.data) : '')).join('');
    return { channel: port2, got, until, send, text, close: () => port1.close() };
  };
  const readServer = (ring: number) => {
    const dest = new Uint8Array(1000);
    const n = ringRead(ipc.words, ipc.bytes, ring, dest, SERVER);
    return n < 0 ? n : new TextDecoder().decode(dest.subarray(0, n));
  };
  return { ipc, fds, net, trace, outside, page, readServer, changes };
}

describe('connections from outside the run', () => {
  it('is refused where nothing listens', () => {
    const { outside, page } = setup();
    expect(outside.connect(8001, page().channel)).toBe(Errno.ECONNREFUSED);
  });

  it('carries a request in and the response out, then the end, named as the browser', async () => {
    const { ipc, fds, net, trace, outside, page, readServer, changes } = setup();
    const browser = page();
    expect(outside.connect(8000, browser.channel)).toBe(0);
    const server = net.accept(SERVER, 3, 4) as Connected;
    expect(server.peer.host).toBe('127.0.0.1');
    // The process list shows the browser's end, the server's mirrored.
    const client = `127.0.0.1:${server.peer.port}`;
    expect(changes.count).toBe(1);
    expect(net.describeOutside()).toEqual([
      { state: 'ESTAB', local: client, peer: '127.0.0.1:8000' },
    ]);
    expect(net.describe(SERVER)).toContainEqual({
      state: 'ESTAB',
      local: '127.0.0.1:8000',
      peer: client,
    });
    browser.send({ data: bytesOf('GET / HTTP/1.0\r\n\r\n') });
    await expect.poll(() => readServer(server.read)).toBe('GET / HTTP/1.0\r\n\r\n');
    ringWrite(ipc.words, ipc.bytes, server.write, bytesOf('HTTP/1.0 200 OK\r\n\r\nhi'), SERVER);
    fds.close(SERVER, 4);
    await browser.until(() => browser.got.some((m) => 'end' in m));
    expect(browser.text()).toBe('HTTP/1.0 200 OK\r\n\r\nhi');
    expect(trace.all().map((e) => [e.type, 'pid' in e ? e.pid : null])).toEqual([
      ['listen', SERVER],
      ['connect', OUTSIDE_PID],
      ['accept', SERVER],
      ['close', SERVER],
    ]);
    browser.send({ close: true });
    await expect.poll(() => trace.all().length).toBe(5); // the browser's close
    expect(net.describeOutside()).toEqual([]);
    expect(changes.count).toBe(2);
    browser.close();
  });

  it("the page's close is the server's end of file; its shutdown too, while it reads on", async () => {
    const { ipc, net, outside, page, readServer } = setup();
    const browser = page();
    outside.connect(8000, browser.channel);
    const server = net.accept(SERVER, 3, 4) as Connected;
    expect(readServer(server.read)).toBe(WOULD_BLOCK);
    browser.send({ data: bytesOf('one') });
    browser.send({ shut: true });
    await expect.poll(() => readServer(server.read)).toBe('one');
    await expect.poll(() => readServer(server.read)).toBe(''); // end of file
    ringWrite(ipc.words, ipc.bytes, server.write, bytesOf('after'), SERVER);
    await browser.until(() => browser.text() === 'after');
    browser.send({ close: true });
    browser.close();
  });

  it("stops reading the server past the page's window, and goes on as the page reads", async () => {
    const { ipc, net, outside, page } = setup();
    const browser = page();
    outside.connect(8000, browser.channel);
    const server = net.accept(SERVER, 3, 4) as Connected;
    const block = new Uint8Array(16 * 1024);
    let written = 0;
    // The server writes as fast as its ring takes it, until the kernel stops taking.
    const writeAll = async () => {
      for (let idle = 0; idle < 20;) {
        const n = ringWrite(ipc.words, ipc.bytes, server.write, block, SERVER);
        if (n > 0) {
          written += n;
          idle = 0;
        } else idle += 1;
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    };
    await writeAll();
    const posted = () => browser.got.reduce((sum, m) => sum + ('data' in m ? m.data.length : 0), 0);
    await browser.until(() => posted() >= OUTSIDE_WINDOW);
    expect(posted()).toBeLessThan(OUTSIDE_WINDOW + 64 * 1024);
    expect(written).toBeLessThan(OUTSIDE_WINDOW + 200 * 1024); // the rest waits in the server
    browser.send({ read: posted() });
    const before = written;
    await writeAll();
    expect(written).toBeGreaterThan(before + 512 * 1024);
    browser.send({ close: true });
    browser.close();
  });
});
