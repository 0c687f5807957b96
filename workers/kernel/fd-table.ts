/**
 * The kernel's descriptor table, as Linux's file table: for each process, what each of its
 * descriptors names. An object lives while a descriptor in any process names it; three kinds
 * plug in, each told when it gains or loses a holder:
 * - a pipe end, or one socket of a socketpair: rings in the arena (ipc-table.ts), whose reader
 *   and writer counts give a reader end of file and a writer EPIPE;
 * - a socket: its rings and the socket itself (net-table.ts), closed with its last descriptor;
 * - a file: an open file description in the volume (fs/descriptions.ts). A process opens and
 *   closes those itself, with no kernel call (a small file's open would cost a round trip), and
 *   counts what it holds in an array this table shares with it (`fileCounts`); what it left
 *   open when it ends, killed or not, the table closes.
 * Fork copies every descriptor, spawn those it was asked to pass; exit releases them all.
 */
import type { Pid } from '../protocol/kernel';
import { type FdEntry, PIPE_CAPACITY, type Rings } from '../protocol/ipc';
import { DESCRIPTION_COUNT, type InheritedFile } from '../protocol/fs';
import type { SysError } from '../protocol/common';
import { Errno } from '../protocol/constants';
import type { IpcTable } from './ipc-table';

/** What a kernel descriptor names: its rings, and the socket it is, if it is one. */
export interface FdObject extends Rings {
  sock?: number;
}

/** The network's side of descriptors that are sockets: a socket lives while one names it. */
export interface SocketHolders {
  hold(sock: number): void;
  /** Called before the descriptor's rings are dropped, so a reset can still be flagged.
   * `at`: when the process closed it (the clock workers share), if it said. */
  drop(sock: number, pid: Pid, at?: number): void;
}

/** The volume's side of descriptors that are files. */
export interface FileHolders {
  /** Closes every reference `counts` holds (a process ended), and zeroes the counts. */
  closeAll(counts: Int32Array): void;
}

type Inheritance =
  | { fork: true; files: InheritedFile[] }
  | { pass: number[]; stdio?: number[]; files?: InheritedFile[] };

interface ProcessFds {
  pid: Pid;
  fds: Map<number, FdObject>;
  /** Ends held by the process itself, not by a descriptor: its exit sentinel's write end. */
  hidden: Rings[];
  /** Per open file description, how many of this process's descriptors name it. */
  files: Int32Array;
}

export class FdTable {
  private readonly processes = new Map<Pid, ProcessFds>();
  /** Set by the network table (net-table.ts). */
  sockets: SocketHolders | null = null;

  constructor(
    private readonly ipc: IpcTable,
    private readonly files: FileHolders,
  ) {}

  private of(pid: Pid): ProcessFds {
    let p = this.processes.get(pid);
    if (!p) {
      const files = new Int32Array(new SharedArrayBuffer(DESCRIPTION_COUNT * 4));
      this.processes.set(pid, (p = { pid, fds: new Map(), hidden: [], files }));
    }
    return p;
  }

  /** The file counts `pid`'s worker keeps (fs/descriptions.ts `held`). */
  fileCounts(pid: Pid): SharedArrayBuffer {
    return this.of(pid).files.buffer as SharedArrayBuffer;
  }

  pipe(pid: Pid, rfd: number, wfd: number): number | SysError {
    const p = this.of(pid);
    if (!this.free(p, rfd, wfd)) return { errno: Errno.EBADF };
    const pipe = this.ipc.newPipe(PIPE_CAPACITY);
    if (pipe === null) return { errno: Errno.EMFILE }; // the arena is full: out of descriptors
    this.put(p, rfd, { read: pipe, write: null });
    this.put(p, wfd, { read: null, write: pipe });
    return pipe;
  }

  /** socketpair(2): two rings, crossed, so what one socket writes the other reads. */
  socketpair(pid: Pid, fd1: number, fd2: number): [number, number] | SysError {
    const p = this.of(pid);
    if (!this.free(p, fd1, fd2)) return { errno: Errno.EBADF };
    const pair = this.ipc.newCrossedRings();
    if (pair === null) return { errno: Errno.EMFILE };
    const [there, back] = pair;
    this.put(p, fd1, { read: back, write: there });
    this.put(p, fd2, { read: there, write: back });
    return pair;
  }

  private free(p: ProcessFds, a: number, b: number): boolean {
    return validFd(a) && validFd(b) && a !== b && !p.fds.has(a) && !p.fds.has(b);
  }

  /** `fd` names `entry` now; what it named before loses a holder. */
  private put(p: ProcessFds, fd: number, entry: FdObject, counted = false): void {
    const old = p.fds.get(fd);
    this.ipc.holdRings(entry, counted);
    if (entry.sock !== undefined) this.sockets?.hold(entry.sock);
    p.fds.set(fd, { ...entry });
    if (old) this.drop(p.pid, old);
  }

  private drop(pid: Pid, entry: FdObject, released = false, at?: number): void {
    if (entry.sock !== undefined) this.sockets?.drop(entry.sock, pid, at);
    this.ipc.dropRings(entry, released);
  }

  /** Gives `fd` of `pid` these rings and socket (it must be free, or `replace` it). */
  bind(pid: Pid, fd: number, entry: FdObject, replace = false): boolean {
    const p = this.of(pid);
    if (!validFd(fd) || (p.fds.has(fd) && !replace)) return false;
    this.put(p, fd, entry);
    return true;
  }

  /** What `fd` of `pid` names, if it is a kernel descriptor. */
  get(pid: Pid, fd: number): FdObject | undefined {
    return this.processes.get(pid)?.fds.get(fd);
  }

  /** The processes that hold `ring` at `end` (by a descriptor, or as an exit sentinel). */
  ringHolders(ring: number, end: 'r' | 'w'): Pid[] {
    const holds = (r: Rings) => (end === 'r' ? r.read : r.write) === ring;
    return [...this.processes.values()]
      .filter((p) => [...p.fds.values()].some(holds) || p.hidden.some(holds))
      .map((p) => p.pid);
  }

  /** The sockets `pid`'s descriptors name. */
  socketsOf(pid: Pid): number[] {
    const p = this.processes.get(pid);
    return p ? [...new Set([...p.fds.values()].flatMap((e) => e.sock ?? []))] : [];
  }

  /** dup(2); `counted`: the worker has counted the new descriptor on the rings already. */
  dup(pid: Pid, fd: number, from: number, counted = false): void {
    const p = this.of(pid);
    const source = p.fds.get(from);
    if (source && validFd(fd)) this.put(p, fd, source, counted);
  }

  /** close(2); `released`: the worker has taken the descriptor off the rings' counts already;
   * `at`: when the worker closed it (the clock workers share). */
  close(pid: Pid, fd: number, released = false, at?: number): void {
    const p = this.of(pid);
    const entry = p.fds.get(fd);
    if (!entry) return;
    p.fds.delete(fd);
    this.drop(pid, entry, released, at);
  }

  /** `pid`'s kernel descriptors, as its worker installs them at start. */
  list(pid: Pid): FdEntry[] {
    const entries = [...this.of(pid).fds].map(([fd, { read, write }]) => ({ fd, read, write }));
    return entries.sort((a, b) => a.fd - b.fd);
  }

  /**
   * A new child's descriptors: with fork, all its parent's at the same numbers, and the file
   * references its parent lent it (`files`: the child counts them from now, so they close
   * with it even if it never runs); with spawn, those in `pass`. The child also gets its exit
   * sentinel: a pipe whose only writer is the child itself, read by the parent at
   * `sentinelFd`, which sees end of file once the child is gone. Returns the sentinel's pipe.
   */
  inherit(parent: Pid, child: Pid, how: Inheritance, sentinelFd: number | null): number | null {
    const to = this.of(child);
    const from = this.of(parent);
    this.copy(from, to, how);
    if (sentinelFd === null || !validFd(sentinelFd)) return null;
    const sentinel = this.ipc.newPipe(0);
    if (sentinel === null) return null;
    const end = { read: null, write: sentinel };
    this.ipc.holdRings(end);
    to.hidden.push(end);
    this.put(from, sentinelFd, { read: sentinel, write: null });
    return sentinel;
  }

  private copy(from: ProcessFds, to: ProcessFds, how: Inheritance): void {
    for (const [fd, entry] of from.fds) {
      if ('fork' in how || how.pass.includes(fd)) this.put(to, fd, entry);
    }
    // A command's standard streams: the parent's descriptors at 0, 1 and 2, as dup2 makes them.
    if ('pass' in how) {
      for (const [fd, source] of (how.stdio ?? []).entries()) {
        const entry = from.fds.get(source);
        if (entry) this.put(to, fd, entry);
      }
    }
    count(to.files, how.files ?? []);
  }

  /**
   * execve(2): `pid` keeps only the descriptors `how` names (the others were close-on-exec),
   * its standard streams as `how.stdio` makes them, and the files its old program lent for
   * them. Its exit sentinel stays with it: the parent sees the pid end, not the program.
   */
  exec(pid: Pid, how: { pass: number[]; stdio: number[]; files: InheritedFile[] }): void {
    const from = this.of(pid);
    this.processes.delete(pid);
    const to = this.of(pid);
    to.hidden = from.hidden;
    this.copy(from, to, how); // held here before the old table lets go: nothing closes between
    for (const entry of from.fds.values()) this.ipc.clearCopyLocks(entry, pid);
    for (const entry of from.fds.values()) this.drop(pid, entry);
    this.files.closeAll(from.files);
  }

  /** File references lent for a child that was never made: they close. */
  closeLent(files: InheritedFile[]): void {
    const counts = new Int32Array(DESCRIPTION_COUNT);
    count(counts, files);
    this.files.closeAll(counts);
  }

  /** A process ended: its descriptors close, copy locks it held in their rings are freed, and
   * the files it left open close. */
  release(pid: Pid): void {
    const p = this.processes.get(pid);
    if (!p) return;
    this.processes.delete(pid);
    const held = [...p.fds.values(), ...p.hidden];
    for (const rings of held) this.ipc.clearCopyLocks(rings, pid);
    for (const entry of held) this.drop(pid, entry);
    this.files.closeAll(p.files);
  }
}

/** Counts each description in `files` once more (a worker's list: only valid numbers). */
function count(counts: Int32Array, files: InheritedFile[]): void {
  for (const { description: d } of files) {
    if (Number.isInteger(d) && d >= 0 && d < DESCRIPTION_COUNT) counts[d]++;
  }
}

const validFd = (fd: number) => Number.isInteger(fd) && fd >= 0 && fd < 1 << 20;
