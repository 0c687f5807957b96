/**
 * The IPC arena: pipe rings and semaphores operated on with Atomics (as process workers do),
 * and the kernel's table of who holds what (fork, spawn, close, exit).
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import {
  BROKEN_PIPE,
  WOULD_BLOCK,
  ringAddHolders,
  ringPoll,
  ringRead,
  ringSeq,
  ringWaitSync,
  ringWrite,
} from '../../workers/ipc/ring';
import { semRelease, semTryAcquire, semValue, semWaitChange } from '../../workers/ipc/semaphore';
import { SharedMirrors, fenceBlock } from '../../workers/ipc/mirror';
import { ArenaAllocator } from '../../workers/kernel/arena';
import { FdTable } from '../../workers/kernel/fd-table';
import { IpcTable } from '../../workers/kernel/ipc-table';
import { PIPE_BUF, PIPE_CAPACITY, Poll } from '../../workers/protocol/ipc';

const bytesOf = (text: string) => new TextEncoder().encode(text);
const textOf = (data: Uint8Array) => new TextDecoder().decode(data);

/** The arena's objects and the descriptor table over them, as the kernel wires them. */
function setup() {
  const table = new IpcTable();
  const closedFiles: Int32Array[] = [];
  const fds = new FdTable(table, { closeAll: (counts) => void closedFiles.push(counts.slice()) });
  const inherit = (
    parent: number,
    child: number,
    pass: number[] | 'fork',
    sentinel: number | null,
  ) => {
    table.inherit(parent, child, pass === 'fork');
    const how = pass === 'fork' ? { fork: true as const, files: [] } : { pass };
    return fds.inherit(parent, child, how, sentinel);
  };
  const release = (pid: number) => {
    fds.release(pid);
    table.release(pid);
  };
  return {
    table,
    fds,
    inherit,
    release,
    closedFiles,
    words: table.words,
    bytes: new Uint8Array(table.arena),
  };
}

function read(table: IpcTable, pipe: number, max: number, pid = 1): Uint8Array | number {
  const dest = new Uint8Array(max);
  const n = ringRead(table.words, new Uint8Array(table.arena), pipe, dest, pid);
  return n < 0 ? n : dest.subarray(0, n);
}

describe('pipe ring', () => {
  it('carries bytes in order across the wrap-around', () => {
    const { table, fds, words, bytes } = setup();
    const pipe = fds.pipe(1, 3, 4) as number;
    const total = 3 * PIPE_CAPACITY; // so head and tail wrap several times
    const chunk = new Uint8Array(PIPE_BUF).map((_, i) => i & 0xff);
    const received: number[] = [];
    let sent = 0;
    while (received.length < total) {
      if (sent < total && ringWrite(words, bytes, pipe, chunk, 1) === PIPE_BUF) {
        sent += PIPE_BUF;
        continue;
      }
      // Full, or all sent: there must be bytes to read, or some write was lost.
      const got = read(table, pipe, 1000);
      expect(got, `read after ${received.length} of ${sent} bytes`).toBeInstanceOf(Uint8Array);
      expect((got as Uint8Array).length).toBeGreaterThan(0);
      received.push(...(got as Uint8Array));
    }
    expect(sent).toBe(total);
    expect(received.length).toBe(total);
    expect(received.findIndex((b, i) => b !== chunk[i % PIPE_BUF])).toBe(-1);
    expect(read(table, pipe, 10)).toBe(WOULD_BLOCK);
  });

  it('writes up to PIPE_BUF whole or not at all, and reports a full pipe', () => {
    const { table, fds, words, bytes } = setup();
    const pipe = fds.pipe(1, 3, 4) as number;
    const fill = new Uint8Array(PIPE_CAPACITY - 100);
    expect(ringWrite(words, bytes, pipe, fill, 1)).toBe(fill.length);
    expect(ringPoll(words, pipe, 'w')).toBe(0);
    expect(ringWrite(words, bytes, pipe, new Uint8Array(200), 1)).toBe(WOULD_BLOCK);
    // A write larger than PIPE_BUF may be partial.
    expect(ringWrite(words, bytes, pipe, new Uint8Array(PIPE_BUF + 1), 1)).toBe(100);
    expect(ringWrite(words, bytes, pipe, new Uint8Array(1), 1)).toBe(WOULD_BLOCK);
    // What the writes reported is what the pipe holds: exactly its capacity.
    expect(read(table, pipe, 2 * PIPE_CAPACITY)).toHaveLength(PIPE_CAPACITY);
    expect(read(table, pipe, 1)).toBe(WOULD_BLOCK);
  });

  it('gives end of file once every writer is closed, and EPIPE once every reader is', () => {
    const { table, fds, words, bytes } = setup();
    const pipe = fds.pipe(1, 3, 4) as number;
    ringWrite(words, bytes, pipe, bytesOf('last words'), 1);
    fds.close(1, 4);
    expect(ringPoll(words, pipe, 'r')).toBe(Poll.IN | Poll.HUP);
    expect(textOf(read(table, pipe, 100) as Uint8Array)).toBe('last words');
    expect(read(table, pipe, 100)).toEqual(new Uint8Array(0));

    const other = fds.pipe(1, 5, 6) as number;
    fds.close(1, 5);
    expect(ringWrite(words, bytes, other, bytesOf('x'), 1)).toBe(BROKEN_PIPE);
    expect(ringPoll(words, other, 'w') & Poll.ERR).toBe(Poll.ERR);
  });
});

describe('semaphore', () => {
  it('counts, refuses when zero, and wakes a waiter in another thread', async () => {
    const { table, words } = setup();
    const sem = table.semCreate(1, 0, null) as number;
    expect(semTryAcquire(words, sem)).toBe(false);
    const waiting = semWaitChange(words, sem, 10_000);
    const releaser = new Worker(
      `const { workerData } = require('node:worker_threads');
       const words = new Int32Array(workerData.arena);
       setTimeout(() => { Atomics.add(words, workerData.at, 1); Atomics.notify(words, workerData.at); }, 50);`,
      { eval: true, workerData: { arena: table.arena, at: sem >> 2 } },
    );
    const started = Date.now();
    await waiting;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(semTryAcquire(words, sem)).toBe(true);
    expect(semValue(words, sem)).toBe(0);
    expect(semRelease(words, sem)).toBe(0);
    expect(semValue(words, sem)).toBe(1);
    await releaser.terminate();
  });
});

describe('arena allocator', () => {
  it('reuses and merges freed blocks, and says when it is full', () => {
    const arena = new ArenaAllocator(64 * 10);
    const blocks = [1, 2, 3].map(() => arena.allocate(64 * 3));
    expect(blocks.every((b) => b !== null)).toBe(true);
    expect(arena.allocate(64)).toBeNull(); // 9 of 10 blocks used, the first is reserved
    arena.release(blocks[0]!);
    arena.release(blocks[1]!);
    expect(arena.allocate(64 * 6)).toBe(blocks[0]);
    expect(arena.used).toBe(64 * 9);
  });
});

describe('kernel IPC and descriptor tables', () => {
  it('fork inherits every descriptor and semaphore; exit releases them', () => {
    const { table, fds, inherit, release, words, bytes } = setup();
    const pipe = fds.pipe(1, 3, 4) as number;
    const sem = table.semCreate(1, 1, null) as number;
    inherit(1, 2, 'fork', null);
    const both = [
      { fd: 3, read: pipe, write: null },
      { fd: 4, read: null, write: pipe },
    ];
    expect(fds.list(1)).toEqual(both);
    expect(fds.list(2)).toEqual(both);
    expect(table.objectCount).toBe(2);
    fds.close(1, 4); // the parent's writer; the child's still holds the pipe open
    expect(read(table, pipe, 10)).toBe(WOULD_BLOCK);
    expect(ringWrite(words, bytes, pipe, bytesOf('from child'), 2)).toBe(10);
    release(2); // the child dies
    expect(textOf(read(table, pipe, 100) as Uint8Array)).toBe('from child');
    expect(read(table, pipe, 100)).toEqual(new Uint8Array(0));
    // The semaphore lives on while the parent holds it.
    expect(semTryAcquire(words, sem)).toBe(true);
    release(1);
    expect(table.objectCount).toBe(0);
    expect(table.usedBytes).toBe(0);
  });

  it("a command's standard streams are its parent's pipe ends at 0, 1 and 2, as dup2 makes them", () => {
    const { table, fds, release } = setup();
    const input = fds.pipe(1, 3, 4) as number;
    const output = fds.pipe(1, 5, 6) as number;
    table.inherit(1, 2, false);
    fds.inherit(1, 2, { pass: [], stdio: [3, 6, 6] }, null);
    expect(fds.list(2)).toEqual([
      { fd: 0, read: input, write: null },
      { fd: 1, read: null, write: output },
      { fd: 2, read: null, write: output },
    ]);
    // The parent closes its copies; the child's ends keep both pipes open until it exits.
    for (const fd of [3, 6]) fds.close(1, fd);
    expect(read(table, output, 10)).toBe(WOULD_BLOCK);
    release(2);
    expect(read(table, output, 10)).toEqual(new Uint8Array(0));
  });

  it('a socket pair carries bytes both ways; each side sees end of file when the other goes', () => {
    const { table, fds, inherit, release, words, bytes } = setup();
    const [there, back] = fds.socketpair(1, 3, 4) as [number, number];
    expect(table.objectCount).toBe(2);
    expect(fds.list(1)).toEqual([
      { fd: 3, read: back, write: there },
      { fd: 4, read: there, write: back },
    ]);
    inherit(1, 2, 'fork', null);
    fds.close(1, 4); // the parent keeps fd 3, the child fd 4
    fds.close(2, 3);
    ringWrite(words, bytes, there, bytesOf('ping'), 1);
    ringWrite(words, bytes, back, bytesOf('pong'), 2);
    expect(textOf(read(table, there, 10, 2) as Uint8Array)).toBe('ping');
    expect(textOf(read(table, back, 10, 1) as Uint8Array)).toBe('pong');
    release(2); // the child dies: the parent reads end of file, and its writes fail
    expect(read(table, back, 10, 1)).toEqual(new Uint8Array(0));
    expect(ringWrite(words, bytes, there, bytesOf('x'), 1)).toBe(BROKEN_PIPE);
    fds.close(1, 3);
    expect(table.objectCount).toBe(0);
  });

  it('a blocked wait on a ring ends when another thread writes it, not at its timeout', async () => {
    const { table, words } = setup();
    const pipe = table.newPipe(PIPE_CAPACITY)!;
    ringAddHolders(words, pipe, 'w', 1); // a writer holds it: no end of file
    const writer = new Worker(
      `const { workerData } = require('node:worker_threads');
       const words = new Int32Array(workerData.arena);
       setTimeout(() => { Atomics.add(words, workerData.seq, 1); Atomics.notify(words, workerData.seq); }, 50);`,
      { eval: true, workerData: { arena: table.arena, seq: pipe >> 2 } },
    );
    const started = Date.now();
    ringWaitSync(words, pipe, ringSeq(words, pipe), 10_000); // as fdSpin blocks (ipc-slice.ts)
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(read(table, pipe, 10)).toBe(WOULD_BLOCK); // a change, no data: the caller polls again
    await writer.terminate();
  });

  it("a worker's own count of a connected socket's descriptors is not counted twice", () => {
    const { table, fds, words, bytes } = setup();
    const [there, back] = fds.socketpair(1, 3, 4) as [number, number];
    // The worker dups fd 3 to 5 and counts it itself, then closes 3 and 5 the same way
    // (runtime/kernel-fds.ts); the kernel hears of each afterwards.
    ringAddHolders(words, back, 'r', 1);
    ringAddHolders(words, there, 'w', 1);
    fds.dup(1, 5, 3, true);
    for (const fd of [3, 5]) {
      ringAddHolders(words, back, 'r', -1);
      ringAddHolders(words, there, 'w', -1);
      if (fd === 3) expect(read(table, there, 10, 1)).toBe(WOULD_BLOCK); // 5 still writes
      fds.close(1, fd, true);
    }
    expect(read(table, there, 10, 1)).toEqual(new Uint8Array(0)); // end of file, once
    expect(ringWrite(words, bytes, back, bytesOf('x'), 1)).toBe(BROKEN_PIPE);
    expect(table.objectCount).toBe(2); // fd 4 holds both rings still
    fds.close(1, 4); // the kernel's own count
    expect(table.objectCount).toBe(0);
  });

  it('spawn passes only the descriptors asked for', () => {
    const { fds, inherit } = setup();
    fds.pipe(1, 3, 4);
    fds.pipe(1, 5, 6);
    inherit(1, 2, [5], null);
    expect(fds.list(2).map((e) => e.fd)).toEqual([5]);
  });

  it('exec keeps the descriptors passed and the standard streams; the rest close', () => {
    const { table, fds, release, closedFiles } = setup();
    const kept = fds.pipe(1, 3, 4) as number;
    fds.pipe(1, 5, 6); // not passed: it closes at the exec
    const sentinel = fds.inherit(1, 2, { pass: [3, 4, 5, 6] }, 9) as number;
    fds.exec(2, { pass: [4], stdio: [3, -1, -1], files: [] });
    expect(fds.list(2)).toEqual([
      { fd: 0, read: kept, write: null },
      { fd: 4, read: null, write: kept },
    ]);
    expect(closedFiles).toHaveLength(1); // the old program's files
    // The parent closes its own ends: only the exec'd program holds each pipe now.
    for (const fd of [3, 4, 5, 6]) fds.close(1, fd);
    expect(table.objectCount).toBe(2); // `kept` and the sentinel
    // The pid, not the program, holds the exit sentinel.
    expect(read(table, sentinel, 10)).toBe(WOULD_BLOCK);
    release(2);
    expect(read(table, sentinel, 10)).toEqual(new Uint8Array(0));
  });

  it('a forked child counts the files lent to it; they close with it, even if it never ran', () => {
    const { fds, release, closedFiles } = setup();
    const file = { fd: 5, ino: 9, gen: 1, flags: 2, device: 0 as const, path: 'f' };
    fds.inherit(1, 2, { fork: true, files: [{ ...file, description: 3 }] }, null);
    fds.inherit(1, 3, { fork: true, files: [{ ...file, description: -1 }] }, null); // not one
    const counts = new Int32Array(fds.fileCounts(2));
    expect(counts[3]).toBe(1);
    counts[4] = 2; // the child opened a file and dup'ed it
    release(2);
    expect(closedFiles).toHaveLength(1);
    expect([...closedFiles[0]].flatMap((n, d) => (n > 0 ? [[d, n]] : []))).toEqual([
      [3, 1],
      [4, 2],
    ]);
    fds.closeLent([{ ...file, description: 7 }]); // a spawn the kernel refused
    expect(closedFiles[1][7]).toBe(1);
  });

  it('a sentinel reads end of file once its child exits', () => {
    const { table, fds, inherit, release, words } = setup();
    const sentinel = inherit(1, 2, [], 7) as number;
    expect(fds.list(1)).toEqual([{ fd: 7, read: sentinel, write: null }]);
    expect(ringPoll(words, sentinel, 'r')).toBe(0);
    release(2);
    expect(ringPoll(words, sentinel, 'r')).toBe(Poll.HUP);
    expect(read(table, sentinel, 1)).toEqual(new Uint8Array(0));
  });

  it('a lock taken by a process that dies stays taken; a dead copier’s ring lock is freed', () => {
    const { table, fds, inherit, release, words, bytes } = setup();
    const sem = table.semCreate(1, 1, 'mp-lock') as number;
    inherit(1, 2, 'fork', null);
    expect(semTryAcquire(words, sem)).toBe(true); // taken by the child
    release(2);
    expect(semValue(words, sem)).toBe(0);
    const pipe = fds.pipe(1, 3, 4) as number;
    inherit(1, 3, 'fork', null);
    Atomics.store(words, (pipe >> 2) + 5, 3); // pid 3 died holding the write lock
    release(3);
    expect(ringWrite(words, bytes, pipe, bytesOf('ok'), 1)).toBe(2);
    expect(textOf(read(table, pipe, 10) as Uint8Array)).toBe('ok');
  });

  it('opens semaphores by name until unlinked (spawn rebuilds them by name)', () => {
    const { table, release } = setup();
    const sem = table.semCreate(1, 1, '/mp-abc') as number;
    expect(table.semCreate(1, 1, '/mp-abc')).toEqual({ errno: 17 });
    expect(table.semOpen(2, '/mp-abc')).toBe(sem);
    expect(table.semUnlink('/mp-abc')).toBe(0);
    expect(table.semOpen(3, '/mp-abc')).toEqual({ errno: 2 });
    expect(table.semUnlink('/mp-abc')).toEqual({ errno: 2 });
    release(1);
    release(2);
    expect(table.objectCount).toBe(0);
  });

  it('shared blocks start zeroed, pass to children of either start method, and free with the last holder', () => {
    const { table, inherit, release, bytes } = setup();
    // A fresh arena is all zeros: dirty a block and free it, so the next one must be zeroed.
    const dirty = table.shmCreate(1, 100) as number;
    bytes.fill(0xff, dirty, dirty + 100);
    table.shmDetach(1, dirty);
    const block = table.shmCreate(1, 100) as number;
    expect(block).toBe(dirty);
    expect(bytes.subarray(block, block + 100).every((b) => b === 0)).toBe(true);
    inherit(1, 2, [], null);
    table.shmDetach(1, block); // the parent drops its Value before the child maps it
    expect(table.describe(block)).toMatch(/^SharedMemory#\d+$/);
    release(2);
    expect(table.objectCount).toBe(0);
    expect(table.shmCreate(1, 0)).toEqual({ errno: 22 });
    expect(table.shmCreate(1, 1 << 30)).toEqual({ errno: 12 });
  });

  it('names objects after the constructor that made them, numbered per kind and per run', () => {
    const { table, fds } = setup();
    const pipe = fds.pipe(1, 3, 4) as number;
    const lock = table.semCreate(1, 1, null) as number;
    const other = table.semCreate(1, 1, null) as number;
    table.label('Queue', [pipe, lock]);
    table.label('Queue', [other]);
    expect([table.describe(pipe), table.describe(lock), table.describe(other)]).toEqual([
      'Queue#1',
      'Queue#1',
      'Queue#2',
    ]);
    table.renumber();
    const next = table.semCreate(1, 1, null) as number;
    table.label('Queue', [next]);
    expect(table.describe(next)).toBe('Queue#1');
    table.label('<script>', [next]); // not a kind: ignored
    expect(table.describe(next)).toBe('Queue#1');
    table.semClose(1, other);
    expect(table.describe(other)).toBeNull();
  });

  it('reports EMFILE when the arena is full', () => {
    const { fds } = setup();
    let result: number | { errno: number } = 0;
    for (let fd = 3; typeof result === 'number'; fd += 2) result = fds.pipe(1, fd, fd + 1);
    expect(result).toEqual({ errno: 24 });
  });
});

describe('shared memory mirrors', () => {
  const twinOf = (data: number[]) => Uint8Array.from(data);

  it('publishes bytes written here and takes bytes written elsewhere, byte by byte', () => {
    // Both sides wrote inside the same word: neither write is lost.
    const twin = twinOf([0, 0, 0, 0, 9, 9]);
    const local = twinOf([1, 0, 0, 0, 9, 5]);
    const shared = twinOf([0, 2, 0, 0, 7, 9]);
    fenceBlock(local, shared, twin);
    expect([...local]).toEqual([1, 2, 0, 0, 7, 5]);
    expect([...shared]).toEqual([1, 2, 0, 0, 7, 5]);
    expect([...twin]).toEqual([1, 2, 0, 0, 7, 5]);
  });

  it('two processes see each other’s writes through the arena at their fences', () => {
    const { table } = setup();
    const block = table.shmCreate(1, 64) as number;
    const heapA = new Uint8Array(256);
    const heapB = new Uint8Array(256);
    const a = new SharedMirrors(table.arena, () => heapA);
    const b = new SharedMirrors(table.arena, () => heapB);
    a.map(16, block, 64);
    b.map(100, block, 64);
    heapA[16] = 42; // a Value written in process A
    heapB[100 + 63] = 7; // another in process B
    a.fence(); // A releases a lock
    b.fence(); // B acquires it
    expect([heapB[100], heapB[163]]).toEqual([42, 7]);
    a.fence();
    expect(heapA[16 + 63]).toBe(7);
    heapA[17] = 1;
    a.unmap(16); // a last write is published as the mapping goes
    b.fence();
    expect(heapB[101]).toBe(1);
    expect(a.size).toBe(0);
  });
});
