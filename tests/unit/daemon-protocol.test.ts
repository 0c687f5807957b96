/** The daemon's boundary (bin/daemon-protocol.mjs): framing, back-pressure, where its socket is. */
import { createServer, connect, type Socket } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMessages, send, socketPath } from '../../bin/daemon-protocol.mjs';

/** A connected pair of sockets over a Unix socket in a fresh folder. */
async function socketPair(): Promise<[Socket, Socket, () => void]> {
  const path = join(mkdtempSync(join(tmpdir(), 'procbox-daemon-test-')), 's.sock');
  let accepted!: (socket: Socket) => void;
  const server = createServer((socket) => accepted(socket));
  await new Promise<void>((resolve) => server.listen(path, resolve));
  const other = new Promise<Socket>((resolve) => (accepted = resolve));
  const client = connect(path);
  const near = await other;
  return [client, near, () => server.close()];
}

describe('the daemon protocol', () => {
  it('reads messages a line each, whatever pieces the lines arrive in', async () => {
    const [client, near, close] = await socketPair();
    const got: unknown[] = [];
    readMessages(near, (message) => got.push(message));
    const big = { type: 'run', text: '数据\n'.repeat(200_000) }; // 1.4 MB: many reads
    client.write('{"type":"hel');
    client.write('lo","key":"k"}\n{"type":"stdin","text":"a\\nb"}\n\n');
    await send(client, big);
    await send(client, { type: 'stdin-end' });
    await expect.poll(() => got.length).toBe(4);
    expect(got[0]).toEqual({ type: 'hello', key: 'k' });
    expect(got[1]).toEqual({ type: 'stdin', text: 'a\nb' });
    expect(got[2]).toEqual(big);
    expect(got[3]).toEqual({ type: 'stdin-end' });
    client.destroy();
    close();
  });

  it('makes the writer wait while the reader does not read, and not once it has gone', async () => {
    const [client, near, close] = await socketPair();
    near.pause();
    const chunk = { type: 'output', text: 'x'.repeat(1 << 20) };
    let waited = false;
    for (let i = 0; i < 64 && !waited; i += 1) {
      const sent = send(client, chunk);
      const first = await Promise.race([sent.then(() => 'sent'), Promise.resolve('waiting')]);
      waited = first === 'waiting';
    }
    expect(waited).toBe(true); // the socket's buffer filled: the page would wait here
    near.destroy();
    client.destroy();
    await send(client, chunk); // a socket that is gone takes nothing and keeps nobody waiting
    close();
  });

  it('puts its socket in the cache folder, unless the path is too long for a Unix socket', () => {
    expect(socketPath('/home/ada/.cache/procbox')).toBe('/home/ada/.cache/procbox/daemon.sock');
    expect(socketPath(`/tmp/${'deep/'.repeat(30)}`)).toBeNull();
  });
});
