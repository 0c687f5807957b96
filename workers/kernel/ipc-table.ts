/**
 * The kernel's IPC objects: pipes, semaphores and shared memory blocks in the shared arena, and
 * which process holds what. A process's descriptors (fd → the rings it reads and writes: a pipe
 * end, or a socket of a pair), semaphore references and
 * shared blocks live here; fork copies them all, spawn the descriptors it was asked to pass
 * (and every shared block, which the child's Value or Array may name), and exit releases them. A pipe's
 * reader and writer counts in the arena follow, which is what gives a reader end of file once
 * the last writer anywhere is gone.
 */
import type { Pid } from '../protocol/kernel';
import {
  ARENA_BYTES,
  type FdEntry,
  PIPE_CAPACITY,
  type PipeEnd,
  Ring,
  type Rings,
  Sem,
} from '../protocol/ipc';
import { Errno } from '../protocol/process';
import { ringAddHolders, ringClearLocks, ringInit } from '../ipc/ring';
import { semInit, semRelease } from '../ipc/semaphore';
import { ArenaAllocator } from './arena';

/** EMFILE: the arena is full, as a process out of descriptors. */
const EMFILE = 24;
const EBADF = 9;
const EEXIST = 17;
const ENOMEM = 12;
const EINVAL = 22;

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

/** Memory behind multiprocessing's Value and Array: each holder mirrors it (ipc/mirror.ts). */
interface ShmObject {
  kind: 'shm';
  serial: number;
  holders: number;
}

/**
 * A bound AF_UNIX stream socket. Its arena block is a semaphore counting `pending`: the server
 * ends of connections made to it, which the kernel holds until a process accepts them.
 */
interface ListenerObject {
  kind: 'listener';
  serial: number;
  holders: number;
  path: string;
  listening: boolean;
  pending: Rings[];
}

/** Connections a listener keeps waiting before `connect` is refused. */
const MAX_PENDING = 4096;

interface Holdings {
  fds: Map<number, Rings>;
  sems: Map<number, number>;
  shms: Set<number>;
  listeners: Set<number>;
  /** Ends held by the process itself, not by a descriptor: its exit sentinel's write end. */
  hidden: Rings[];
}

export type IpcError = { errno: number };

export class IpcTable {
  readonly arena = new SharedArrayBuffer(ARENA_BYTES);
  readonly words = new Int32Array(this.arena);
  private readonly allocator = new ArenaAllocator(ARENA_BYTES);
  private readonly objects = new Map<number, PipeObject | SemObject | ShmObject | ListenerObject>();
  private readonly paths = new Map<string, number>();
  private readonly names = new Map<string, number>();
  private readonly holdings = new Map<Pid, Holdings>();
  private serial = 0;
  /** Names given by multiprocessing's constructors (`Queue#3`), and each kind's last number. */
  private readonly labels = new Map<number, string>();
  private readonly labelSerials = new Map<string, number>();

  private of(pid: Pid): Holdings {
    let h = this.holdings.get(pid);
    if (!h)
      this.holdings.set(
        pid,
        (h = {
          fds: new Map(),
          sems: new Map(),
          shms: new Set(),
          listeners: new Set(),
          hidden: [],
        }),
      );
    return h;
  }

  /**
   * Names the objects one multiprocessing constructor made (`Queue()`: its pipe, locks and
   * semaphore) `${kind}#n`, numbered per kind. The outermost constructor names them all.
   */
  label(kind: string, objects: number[]): void {
    if (!/^[A-Za-z]{1,32}$/.test(kind)) return;
    const live = objects.filter((at) => this.objects.has(at));
    if (live.length === 0) return;
    const n = (this.labelSerials.get(kind) ?? 0) + 1;
    this.labelSerials.set(kind, n);
    for (const at of live) this.labels.set(at, `${kind}#${n}`);
  }

  /** A new run numbers its objects from 1 again. */
  renumber(): void {
    this.labelSerials.clear();
  }

  /** A short, stable name for the process list and the trace: `Queue#3`, or `Pipe#3`. */
  describe(at: number): string | null {
    const o = this.objects.get(at);
    if (!o) return null;
    const label = this.labels.get(at);
    if (label) return label;
    const kind = { pipe: 'Pipe', sem: 'Semaphore', shm: 'SharedMemory', listener: 'Socket' }[
      o.kind
    ];
    return `${kind}#${o.serial}`;
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

  private holdRings({ read, write }: Rings): void {
    if (read !== null) this.hold(read, 'r');
    if (write !== null) this.hold(write, 'w');
  }

  private dropRings({ read, write }: Rings): void {
    if (read !== null) this.drop(read, 'r');
    if (write !== null) this.drop(write, 'w');
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
    if (o.holders === 0) this.free(pipe);
  }

  private free(at: number): void {
    this.objects.delete(at);
    this.labels.delete(at);
    this.allocator.release(at);
  }

  pipe(pid: Pid, rfd: number, wfd: number): number | IpcError {
    const h = this.of(pid);
    if (!validFd(rfd) || !validFd(wfd) || rfd === wfd || h.fds.has(rfd) || h.fds.has(wfd)) {
      return { errno: EBADF };
    }
    const pipe = this.newPipe(PIPE_CAPACITY);
    if (pipe === null) return { errno: EMFILE };
    this.bind(h, rfd, { read: pipe, write: null });
    this.bind(h, wfd, { read: null, write: pipe });
    return pipe;
  }

  /** socketpair(2): two rings, crossed, so what one socket writes the other reads. */
  socketpair(pid: Pid, fd1: number, fd2: number): [number, number] | IpcError {
    const h = this.of(pid);
    if (!validFd(fd1) || !validFd(fd2) || fd1 === fd2 || h.fds.has(fd1) || h.fds.has(fd2)) {
      return { errno: EBADF };
    }
    const pair = this.newCrossedRings();
    if (pair === null) return { errno: EMFILE };
    const [there, back] = pair;
    this.bind(h, fd1, { read: back, write: there });
    this.bind(h, fd2, { read: there, write: back });
    return pair;
  }

  private newCrossedRings(): [number, number] | null {
    const there = this.newPipe(PIPE_CAPACITY);
    const back = there === null ? null : this.newPipe(PIPE_CAPACITY);
    if (there === null || back === null) {
      if (there !== null) this.free(there);
      return null;
    }
    return [there, back];
  }

  /** bind(2) of an AF_UNIX stream socket: the path is taken until the listener is closed. */
  unixBind(pid: Pid, path: string): number | IpcError {
    if (path === '' || path.length > 107) return { errno: EINVAL };
    if (this.paths.has(path)) return { errno: Errno.EADDRINUSE };
    const at = this.allocator.allocate(Sem.BYTES);
    if (at === null) return { errno: EMFILE };
    semInit(this.words, at, 0);
    const serial = ++this.serial;
    this.objects.set(at, {
      kind: 'listener',
      serial,
      holders: 0,
      path,
      listening: false,
      pending: [],
    });
    this.paths.set(path, at);
    this.listenerHold(pid, at);
    return at;
  }

  private listener(pid: Pid, at: number): ListenerObject | null {
    const o = this.objects.get(at);
    return o?.kind === 'listener' && this.of(pid).listeners.has(at) ? o : null;
  }

  unixListen(pid: Pid, at: number): 0 | IpcError {
    const o = this.listener(pid, at);
    if (!o) return { errno: EBADF };
    o.listening = true;
    return 0;
  }

  /**
   * connect(2): a new pair of crossed rings; `fd` gets one end, and the other waits in the
   * listener's queue (its semaphore counts it) until a process accepts it. Returns `[read, write]`.
   */
  unixConnect(pid: Pid, path: string, fd: number): [number, number] | IpcError {
    const h = this.of(pid);
    if (!validFd(fd) || h.fds.has(fd)) return { errno: EBADF };
    const at = this.paths.get(path);
    if (at === undefined) return { errno: Errno.ENOENT };
    const o = this.objects.get(at);
    if (o?.kind !== 'listener' || !o.listening || o.pending.length >= MAX_PENDING) {
      return { errno: Errno.ECONNREFUSED };
    }
    const pair = this.newCrossedRings();
    if (pair === null) return { errno: EMFILE };
    const [there, back] = pair;
    this.bind(h, fd, { read: back, write: there });
    const serverEnd = { read: there, write: back };
    this.holdRings(serverEnd);
    o.pending.push(serverEnd);
    semRelease(this.words, at);
    return [back, there];
  }

  /** accept(2), once the caller has taken one from the listener's count: `[read, write]`. */
  unixAccept(pid: Pid, at: number, fd: number): [number, number] | IpcError {
    const h = this.of(pid);
    const o = this.listener(pid, at);
    if (!o || !validFd(fd) || h.fds.has(fd)) return { errno: EBADF };
    const rings = o.pending.shift();
    if (!rings) return { errno: Errno.EAGAIN };
    this.bind(h, fd, rings);
    this.dropRings(rings); // the kernel's own hold while it waited
    return [rings.read!, rings.write!];
  }

  unixClose(pid: Pid, at: number): void {
    if (this.of(pid).listeners.delete(at)) this.listenerDrop(at);
  }

  private listenerHold(pid: Pid, at: number): void {
    const o = this.objects.get(at);
    const h = this.of(pid);
    if (o?.kind !== 'listener' || h.listeners.has(at)) return;
    o.holders += 1;
    h.listeners.add(at);
  }

  /** The last holder gone: waiting connections are dropped (their clients read end of file). */
  private listenerDrop(at: number): void {
    const o = this.objects.get(at);
    if (o?.kind !== 'listener') return;
    o.holders -= 1;
    if (o.holders > 0) return;
    for (const rings of o.pending) this.dropRings(rings);
    this.paths.delete(o.path);
    this.free(at);
  }

  private bind(h: Holdings, fd: number, rings: Rings): void {
    const old = h.fds.get(fd);
    this.holdRings(rings);
    h.fds.set(fd, { ...rings });
    if (old) this.dropRings(old);
  }

  dup(pid: Pid, fd: number, from: number): void {
    const h = this.of(pid);
    const source = h.fds.get(from);
    if (source && validFd(fd)) this.bind(h, fd, source);
  }

  close(pid: Pid, fd: number): void {
    const h = this.of(pid);
    const entry = h.fds.get(fd);
    if (!entry) return;
    h.fds.delete(fd);
    this.dropRings(entry);
  }

  fds(pid: Pid): FdEntry[] {
    return [...this.of(pid).fds].map(([fd, { read, write }]) => ({ fd, read, write }));
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
      if (o.holders === 0) this.free(at);
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
    if (o.holders <= 0 && o.name === null) this.free(sem);
  }

  /** A zeroed block of shared memory of `size` bytes, held by `pid`. */
  shmCreate(pid: Pid, size: number): number | IpcError {
    if (!Number.isInteger(size) || size <= 0) return { errno: EINVAL };
    const at = this.allocator.allocate(size);
    if (at === null) return { errno: ENOMEM };
    new Uint8Array(this.arena, at, size).fill(0);
    this.objects.set(at, { kind: 'shm', serial: ++this.serial, holders: 0 });
    this.shmHold(pid, at);
    return at;
  }

  private shmHold(pid: Pid, at: number): void {
    const h = this.of(pid);
    const o = this.objects.get(at);
    if (o?.kind !== 'shm' || h.shms.has(at)) return;
    o.holders += 1;
    h.shms.add(at);
  }

  /** `pid` no longer maps the block; the last holder frees it. */
  shmDetach(pid: Pid, at: number): void {
    const h = this.of(pid);
    if (h.shms.delete(at)) this.shmDrop(at);
  }

  private shmDrop(at: number): void {
    const o = this.objects.get(at);
    if (o?.kind !== 'shm') return;
    o.holders -= 1;
    if (o.holders === 0) this.free(at);
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
      if ('fork' in how || how.pass.includes(fd)) this.bind(to, fd, entry);
    }
    if ('fork' in how)
      for (const [sem, count] of from.sems)
        for (let i = 0; i < count; i++) this.semHold(child, sem);
    // With either start method: the parent may drop its Value before the child has mapped it.
    for (const at of from.shms) this.shmHold(child, at);
    if ('fork' in how) for (const at of from.listeners) this.listenerHold(child, at);
    if (sentinelFd === null || !validFd(sentinelFd)) return null;
    const sentinel = this.newPipe(0);
    if (sentinel === null) return null;
    this.hold(sentinel, 'w');
    to.hidden.push({ read: null, write: sentinel });
    this.bind(from, sentinelFd, { read: sentinel, write: null });
    return sentinel;
  }

  /** A process ended: everything it held is released, and copy locks it held are freed. */
  release(pid: Pid): void {
    const h = this.holdings.get(pid);
    if (!h) return;
    this.holdings.delete(pid);
    const held = [...h.fds.values(), ...h.hidden];
    for (const { read, write } of held) {
      for (const ring of [read, write]) {
        if (ring !== null && this.objects.has(ring)) ringClearLocks(this.words, ring, pid);
      }
    }
    for (const rings of held) this.dropRings(rings);
    for (const [sem, count] of h.sems) this.semDrop(sem, count);
    for (const at of h.shms) this.shmDrop(at);
    for (const at of h.listeners) this.listenerDrop(at);
  }
}

const validFd = (fd: number) => Number.isInteger(fd) && fd >= 0 && fd < 1 << 20;
