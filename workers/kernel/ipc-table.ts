/**
 * The kernel's IPC objects: pipes and semaphores in the shared arena, and which process holds
 * what. A process's descriptors (fd → pipe end) and semaphore references live here; fork copies
 * them all, spawn the descriptors it was asked to pass, and exit releases them. A pipe's
 * reader and writer counts in the arena follow, which is what gives a reader end of file once
 * the last writer anywhere is gone.
 */
import type { Pid } from '../protocol/kernel';
import { ARENA_BYTES, type FdEntry, PIPE_CAPACITY, type PipeEnd, Ring, Sem } from '../protocol/ipc';
import { Errno } from '../protocol/process';
import { ringAddHolders, ringClearLocks, ringInit } from '../ipc/ring';
import { semInit } from '../ipc/semaphore';
import { ArenaAllocator } from './arena';

/** EMFILE: the arena is full, as a process out of descriptors. */
const EMFILE = 24;
const EBADF = 9;
const EEXIST = 17;

interface PipeObject {
  kind: 'pipe';
  serial: number;
  holders: number;
}

interface SemObject {
  kind: 'sem';
  serial: number;
  holders: number;
  name: string | null;
}

interface Holdings {
  fds: Map<number, { pipe: number; end: PipeEnd }>;
  sems: Map<number, number>;
  /** Ends held by the process itself, not by a descriptor: its exit sentinel's write end. */
  hidden: { pipe: number; end: PipeEnd }[];
}

export type IpcError = { errno: number };

export class IpcTable {
  readonly arena = new SharedArrayBuffer(ARENA_BYTES);
  readonly words = new Int32Array(this.arena);
  private readonly allocator = new ArenaAllocator(ARENA_BYTES);
  private readonly objects = new Map<number, PipeObject | SemObject>();
  private readonly names = new Map<string, number>();
  private readonly holdings = new Map<Pid, Holdings>();
  private serial = 0;

  private of(pid: Pid): Holdings {
    let h = this.holdings.get(pid);
    if (!h) this.holdings.set(pid, (h = { fds: new Map(), sems: new Map(), hidden: [] }));
    return h;
  }

  /** A short, stable name for the process list and the trace: `Pipe#3`, `Semaphore#2`. */
  describe(at: number): string | null {
    const o = this.objects.get(at);
    if (!o) return null;
    return `${o.kind === 'pipe' ? 'Pipe' : 'Semaphore'}#${o.serial}`;
  }

  get usedBytes(): number {
    return this.allocator.used;
  }

  get objectCount(): number {
    return this.objects.size;
  }

  private newPipe(capacity: number): number | null {
    const at = this.allocator.allocate(Ring.HEADER_BYTES + capacity);
    if (at === null) return null;
    ringInit(this.words, at, capacity);
    this.objects.set(at, { kind: 'pipe', serial: ++this.serial, holders: 0 });
    return at;
  }

  private hold(pipe: number, end: PipeEnd): void {
    const o = this.objects.get(pipe);
    if (o?.kind !== 'pipe') return;
    o.holders += 1;
    ringAddHolders(this.words, pipe, end, 1);
  }

  private drop(pipe: number, end: PipeEnd): void {
    const o = this.objects.get(pipe);
    if (o?.kind !== 'pipe') return;
    o.holders -= 1;
    ringAddHolders(this.words, pipe, end, -1);
    if (o.holders === 0) {
      this.objects.delete(pipe);
      this.allocator.release(pipe);
    }
  }

  pipe(pid: Pid, rfd: number, wfd: number): number | IpcError {
    const h = this.of(pid);
    if (!validFd(rfd) || !validFd(wfd) || rfd === wfd || h.fds.has(rfd) || h.fds.has(wfd)) {
      return { errno: EBADF };
    }
    const pipe = this.newPipe(PIPE_CAPACITY);
    if (pipe === null) return { errno: EMFILE };
    this.bind(h, rfd, pipe, 'r');
    this.bind(h, wfd, pipe, 'w');
    return pipe;
  }

  private bind(h: Holdings, fd: number, pipe: number, end: PipeEnd): void {
    const old = h.fds.get(fd);
    this.hold(pipe, end);
    h.fds.set(fd, { pipe, end });
    if (old) this.drop(old.pipe, old.end);
  }

  dup(pid: Pid, fd: number, from: number): void {
    const h = this.of(pid);
    const source = h.fds.get(from);
    if (source && validFd(fd)) this.bind(h, fd, source.pipe, source.end);
  }

  close(pid: Pid, fd: number): void {
    const h = this.of(pid);
    const entry = h.fds.get(fd);
    if (!entry) return;
    h.fds.delete(fd);
    this.drop(entry.pipe, entry.end);
  }

  fds(pid: Pid): FdEntry[] {
    return [...this.of(pid).fds].map(([fd, { pipe, end }]) => ({ fd, pipe, end }));
  }

  semCreate(pid: Pid, value: number, name: string | null): number | IpcError {
    if (name !== null && this.names.has(name)) return { errno: EEXIST };
    const at = this.allocator.allocate(Sem.BYTES);
    if (at === null) return { errno: EMFILE };
    semInit(this.words, at, value);
    this.objects.set(at, { kind: 'sem', serial: ++this.serial, holders: 0, name });
    if (name !== null) this.names.set(name, at);
    this.semHold(pid, at);
    return at;
  }

  semOpen(pid: Pid, name: string): number | IpcError {
    const at = this.names.get(name);
    if (at === undefined) return { errno: Errno.ENOENT };
    this.semHold(pid, at);
    return at;
  }

  semUnlink(name: string): 0 | IpcError {
    const at = this.names.get(name);
    if (at === undefined) return { errno: Errno.ENOENT };
    this.names.delete(name);
    const o = this.objects.get(at);
    if (o?.kind === 'sem') {
      o.name = null;
      if (o.holders === 0) this.freeSem(at);
    }
    return 0;
  }

  private semHold(pid: Pid, sem: number): void {
    const o = this.objects.get(sem);
    if (o?.kind !== 'sem') return;
    o.holders += 1;
    const h = this.of(pid);
    h.sems.set(sem, (h.sems.get(sem) ?? 0) + 1);
  }

  semClose(pid: Pid, sem: number): void {
    const h = this.of(pid);
    const count = h.sems.get(sem);
    if (!count) return;
    if (count === 1) h.sems.delete(sem);
    else h.sems.set(sem, count - 1);
    this.semDrop(sem, 1);
  }

  private semDrop(sem: number, count: number): void {
    const o = this.objects.get(sem);
    if (o?.kind !== 'sem') return;
    o.holders -= count;
    if (o.holders <= 0 && o.name === null) this.freeSem(sem);
  }

  private freeSem(sem: number): void {
    this.objects.delete(sem);
    this.allocator.release(sem);
  }

  /**
   * A new child's holdings: with fork, everything the parent holds (descriptors at the same
   * numbers, and every semaphore); with spawn, only the descriptors in `pass`. The child also
   * gets its exit sentinel: a pipe whose only writer is the child itself, read by the parent at
   * `sentinelFd`, which sees end of file once the child is gone. Returns the sentinel's pipe.
   */
  inherit(
    parent: Pid,
    child: Pid,
    how: { fork: true } | { pass: number[] },
    sentinelFd: number | null,
  ): number | null {
    const from = this.of(parent);
    const to = this.of(child);
    for (const [fd, entry] of from.fds) {
      if ('fork' in how || how.pass.includes(fd)) this.bind(to, fd, entry.pipe, entry.end);
    }
    if ('fork' in how)
      for (const [sem, count] of from.sems)
        for (let i = 0; i < count; i++) this.semHold(child, sem);
    if (sentinelFd === null || !validFd(sentinelFd)) return null;
    const sentinel = this.newPipe(0);
    if (sentinel === null) return null;
    this.hold(sentinel, 'w');
    to.hidden.push({ pipe: sentinel, end: 'w' });
    this.bind(from, sentinelFd, sentinel, 'r');
    return sentinel;
  }

  /** A process ended: everything it held is released, and copy locks it held are freed. */
  release(pid: Pid): void {
    const h = this.holdings.get(pid);
    if (!h) return;
    this.holdings.delete(pid);
    for (const { pipe } of [...h.fds.values(), ...h.hidden]) {
      if (this.objects.has(pipe)) ringClearLocks(this.words, pipe, pid);
    }
    for (const { pipe, end } of [...h.fds.values(), ...h.hidden]) this.drop(pipe, end);
    for (const [sem, count] of h.sems) this.semDrop(sem, count);
  }
}

const validFd = (fd: number) => Number.isInteger(fd) && fd >= 0 && fd < 1 << 20;
