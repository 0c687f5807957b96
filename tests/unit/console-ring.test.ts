import { describe, expect, it } from 'vitest';
import { consoleRead, consoleWrite } from '../../workers/ipc/console-ring';
import { ringAddHolders, ringInit } from '../../workers/ipc/ring';
import { CONSOLE_RECORD_MAX, Ring } from '../../workers/protocol/ipc';

function consoleRing(capacity: number) {
  const buffer = new SharedArrayBuffer(Ring.HEADER_BYTES + capacity + 64);
  const words = new Int32Array(buffer);
  const bytes = new Uint8Array(buffer);
  ringInit(words, 0, capacity);
  ringAddHolders(words, 0, 'r', 1);
  return { words, bytes };
}

const text = (data: Uint8Array) => new TextDecoder().decode(data);
const encode = (s: string) => new TextEncoder().encode(s);

describe('console ring', () => {
  it('keeps writes of several processes in one order, with their pid and fd', () => {
    const { words, bytes } = consoleRing(1024);
    consoleWrite(words, bytes, 0, 7, 1, encode('a1\n'));
    consoleWrite(words, bytes, 0, 9, 2, encode('b1\n'));
    consoleWrite(words, bytes, 0, 7, 1, encode('a2\n'));
    const read = consoleRead(words, bytes, 0);
    expect(read.map((w) => `${w.pid}:${w.fd} ${text(w.data)}`)).toEqual([
      '7:1 a1\n',
      '9:2 b1\n',
      '7:1 a2\n',
    ]);
    expect(consoleRead(words, bytes, 0)).toEqual([]);
  });

  it('says which thread wrote each record, and when', () => {
    const { words, bytes } = consoleRing(1024);
    const before = performance.timeOrigin + performance.now();
    consoleWrite(words, bytes, 0, 7, 1, encode('main\n'));
    consoleWrite(words, bytes, 0, 7, 1, encode('worker\n'), 12);
    const after = performance.timeOrigin + performance.now();
    const [main, worker] = consoleRead(words, bytes, 0);
    expect([main.tid, worker.tid]).toEqual([7, 12]);
    expect(main.at).toBeGreaterThanOrEqual(before);
    expect(worker.at).toBeGreaterThanOrEqual(main.at);
    expect(worker.at).toBeLessThanOrEqual(after);
  });

  it('takes what fits when full, and the rest after a read, wrapping around in order', () => {
    const { words, bytes } = consoleRing(4096);
    let written = '';
    let read = '';
    for (let i = 0; i < 5000; i++) {
      let line = encode(`line ${i}\n`);
      for (;;) {
        const n = consoleWrite(words, bytes, 0, 1, 1, line);
        written += text(line.subarray(0, n));
        if (n === line.length) break;
        line = line.subarray(n);
        for (const w of consoleRead(words, bytes, 0)) read += text(w.data);
      }
    }
    for (const w of consoleRead(words, bytes, 0)) read += text(w.data);
    expect(read).toBe(written);
    expect(read.split('\n').length).toBe(5001);
  });

  it('splits a write longer than one record', () => {
    const { words, bytes } = consoleRing(256 * 1024);
    const long = encode('x'.repeat(CONSOLE_RECORD_MAX * 2 + 5));
    expect(consoleWrite(words, bytes, 0, 1, 1, long)).toBe(long.length);
    const records = consoleRead(words, bytes, 0);
    expect(records.map((r) => r.data.length)).toEqual([CONSOLE_RECORD_MAX, CONSOLE_RECORD_MAX, 5]);
  });
});
