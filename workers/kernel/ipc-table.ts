/**
 * The kernel's IPC objects in the shared arena: pipes (rings), semaphores and shared memory
 * blocks, and which process holds which semaphore and block. Descriptors that name rings are
 * the descriptor table's (fd-table.ts), which counts a ring's readers and writers here; that
 * count is what gives a reader end of file once the last writer anywhere is gone. Fork copies
 * a process's semaphores, and with either start method a child holds every shared block
 * (the child's Value or Array may name it); exit releases them.
 */
import type { Pid } from '../protocol/kernel';
import {
  ARENA_BYTES,
  CONSOLE_RING_CAPACITY,
  PIPE_CAPACITY,
  type PipeEnd,
  Ring,
  type Rings,
  Sem,
} from '../protocol/ipc';
import type { SysError } from '../protocol/common';
import { Errno } from '../protocol/constants';
import { ringAddHolders, ringClearLocks, ringInit } from '../ipc/ring';
import { semInit } from '../ipc/semaphore';
import { ArenaAllocator } from './arena';

/** EMFILE: the arena is full, as a process out of descriptors. */
const { EMFILE, EEXIST, ENOMEM, EINVAL } = Errno;

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

interface Holdings {
  sems: Map<number, number>;
  shms: Set<number>;
}

export type IpcError = SysError;

export class IpcTable {
  readonly arena = new SharedArrayBuffer(ARENA_BYTES);
  readonly words = new Int32Array(this.arena);
  private readonly allocator = new ArenaAllocator(ARENA_BYTES);
  readonly bytes = new Uint8Array(this.arena);
  private readonly objects = new Map<number, PipeObject | SemObject | ShmObject>();
  private readonly names = new Map<string, number>();
  private readonly holdings = new Map<Pid, Holdings>();
  private serial = 0;
  /** Names given by multiprocessing's constructors (`Queue#3`), and each kind's last number. */
  private readonly labels = new Map<number, string>();
  private readonly labelSerials = new Map<string, number>();

  private of(pid: Pid): Holdings {
    let h = this.holdings.get(pid);
    if (!h) this.holdings.set(pid, (h = { sems: new Map(), shms: new Set() }));
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
    const kind = { pipe: 'Pipe', sem: 'Semaphore', shm: 'SharedMemory' }[o.kind];
    return `${kind}#${o.serial}`;
  }

  get usedBytes(): number {
    return this.allocator.used;
  }

  get objectCount(): number {
    return this.objects.size;
  }

  /** Names an object for the process list and the trace (a socket's rings: its two ends). */
  name(at: number, text: string): void {
    if (this.objects.has(at)) this.labels.set(at, text);
  }

  /** The console ring (protocol/ipc.ts `ConsoleRecord`): read by the kernel alone, written by
   * every process, held for the kernel's whole life. */
  newConsoleRing(): number {
    const at = this.allocator.allocate(Ring.HEADER_BYTES + CONSOLE_RING_CAPACITY);
    if (at === null) throw new Error('the arena has no room for the console');
    ringInit(this.words, at, CONSOLE_RING_CAPACITY);
    ringAddHolders(this.words, at, 'r', 1);
    return at;
  }

  /** A zeroed block the kernel lays out itself (the port directory, connection stocks). */
  newBlock(bytes: number): number | null {
    const at = this.allocator.allocate(bytes);
    if (at !== null) new Uint8Array(this.arena, at, bytes).fill(0);
    return at;
  }

  freeBlock(at: number): void {
    this.allocator.release(at);
  }

  /** A new ring that nothing holds yet (the caller binds or holds it at once). */
  newPipe(capacity: number): number | null {
    const at = this.allocator.allocate(Ring.HEADER_BYTES + capacity);
    if (at === null) return null;
    ringInit(this.words, at, capacity);
    this.objects.set(at, { kind: 'pipe', serial: ++this.serial, holders: 0 });
    return at;
  }

  /** `counted`: a worker has added this hold to the rings' shared counts already. */
  holdRings({ read, write }: Rings, counted = false): void {
    if (read !== null) this.hold(read, 'r', counted);
    if (write !== null) this.hold(write, 'w', counted);
  }

  /** `released`: a worker has taken this hold off the rings' shared counts already. */
  dropRings({ read, write }: Rings, released = false): void {
    if (read !== null) this.drop(read, 'r', released);
    if (write !== null) this.drop(write, 'w', released);
  }

  /** A process died holding these rings' copy locks: they are free again. */
  clearCopyLocks({ read, write }: Rings, pid: Pid): void {
    for (const ring of [read, write]) {
      if (ring !== null && this.objects.has(ring)) ringClearLocks(this.words, ring, pid);
    }
  }

  private hold(pipe: number, end: PipeEnd, counted: boolean): void {
    const o = this.objects.get(pipe);
    if (o?.kind !== 'pipe') return;
    o.holders += 1;
    if (!counted) ringAddHolders(this.words, pipe, end, 1);
  }

  private drop(pipe: number, end: PipeEnd, released: boolean): void {
    const o = this.objects.get(pipe);
    if (o?.kind !== 'pipe') return;
    o.holders -= 1;
    if (!released) ringAddHolders(this.words, pipe, end, -1);
    if (o.holders === 0) this.free(pipe);
  }

  private free(at: number): void {
    this.objects.delete(at);
    this.labels.delete(at);
    this.allocator.release(at);
  }

  newCrossedRings(): [number, number] | null {
    const there = this.newPipe(PIPE_CAPACITY);
    const back = there === null ? null : this.newPipe(PIPE_CAPACITY);
    if (there === null || back === null) {
      if (there !== null) this.free(there);
      return null;
    }
    return [there, back];
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

  /** A new child's holdings: with fork, every semaphore its parent holds; with either start
   * method, every shared block (the parent may drop its Value before the child has mapped it). */
  inherit(parent: Pid, child: Pid, fork: boolean): void {
    const from = this.of(parent);
    if (fork)
      for (const [sem, count] of from.sems)
        for (let i = 0; i < count; i++) this.semHold(child, sem);
    for (const at of from.shms) this.shmHold(child, at);
  }

  /** A process ended: its semaphores and shared blocks are released. */
  release(pid: Pid): void {
    const h = this.holdings.get(pid);
    if (!h) return;
    this.holdings.delete(pid);
    for (const [sem, count] of h.sems) this.semDrop(sem, count);
    for (const at of h.shms) this.shmDrop(at);
  }
}
