/**
 * Kernel pipes and socket pairs as file descriptors of this process's CPython.
 *
 * Each kernel descriptor is an Emscripten stream on one character device, so its number comes
 * from the same table as the process's files (as on Linux) and `os.read`, `os.write`,
 * `select`, `poll`, `os.dup` and `os.close` reach it through CPython's own C code. The device
 * copies straight between the arena ring and the WebAssembly heap and never waits: it raises
 * EAGAIN, and the Python layer (procbox/fds.py) parks the thread in `fdWait` until the ring
 * changes. Closing and duplicating tell the kernel, which keeps the reader and writer counts.
 */
import type { PyodideAPI } from 'pyodide';
import {
  type FdEntry,
  type IpcInheritance,
  type IpcSyscalls,
  Poll,
  type Rings,
} from '../protocol/ipc';
import {
  BROKEN_PIPE,
  CONNECTION_RESET,
  WOULD_BLOCK,
  ringPoll,
  ringRead,
  ringReadMessage,
  ringSeq,
  ringWaitChange,
  ringWrite,
} from '../ipc/ring';
import { semRelease, semTryAcquire, semValue, semWaitChange } from '../ipc/semaphore';
import type { IpcObserver } from './ipc-observer';

const DEVICE_PATH = '/dev/procbox-pipe';
/** Emscripten's open flags (Linux's numbers). */
const O_RDONLY = 0;
const O_WRONLY = 1;
const O_RDWR = 2;
const O_NONBLOCK = 0o4000;
/** A blocking wait ends at least this often, so no waiter is parked forever on a lost object. */
const MAX_WAIT_MS = 1000;

interface IpcStream {
  fd: number;
  flags: number;
  /** The rings it reads and writes; null while reserved and the kernel has not answered. */
  ipc: Rings | null;
  /** The number this stream was made for: a dup copies it, and learns its source from it. */
  ipcFd: number;
}

type Emscripten = PyodideAPI['FS'] & {
  ErrnoError: new (errno: number) => Error;
  makedev(major: number, minor: number): number;
  registerDevice(dev: number, ops: object): void;
  mkdev(path: string, mode: number, dev: number): void;
  createStream(stream: object, fd?: number): IpcStream;
  getStream(fd: number): IpcStream | null;
  closeStream(fd: number): void;
};

export type IpcKernel = Pick<IpcSyscalls, 'fdClose' | 'fdDup'>;

/** What a reserved descriptor will be: a pipe's read or write end, or a socket. */
export type FdKind = 'r' | 'w' | 'rw';
const FLAGS: Record<FdKind, number> = { r: O_RDONLY, w: O_WRONLY, rw: O_RDWR };

export function installIpcStreams(
  py: PyodideAPI,
  kernel: IpcKernel,
  inheritance: IpcInheritance,
  pid: number,
  /** Shared memory's synchronisation point (ipc/mirror.ts): each read, write, acquire, release. */
  fence: () => void,
  observer: IpcObserver,
) {
  const FS = py.FS as Emscripten;
  const errno = py.ERRNO_CODES as Record<string, number>;
  const words = new Int32Array(inheritance.arena);
  const bytes = new Uint8Array(inheritance.arena);
  const fail = (code: string): never => {
    throw new FS.ErrnoError(errno[code]);
  };
  const rings = (stream: IpcStream) => stream.ipc ?? fail('EBADF');
  /** The events a descriptor has now: its read ring's and its write ring's. */
  const pollRings = ({ read, write }: Rings) =>
    read === null && write === null
      ? Poll.OUT // a socket not connected yet, or whose connect failed: Linux says writable
      : (read === null ? 0 : ringPoll(words, read, 'r')) |
        (write === null ? 0 : ringPoll(words, write, 'w'));
  const heap = (buffer: Int8Array | Uint8Array, offset: number, length: number) =>
    new Uint8Array(buffer.buffer, buffer.byteOffset + offset, length);

  const ops = {
    read(stream: IpcStream, buffer: Int8Array, offset: number, length: number) {
      const pipe = rings(stream).read ?? fail('EBADF');
      const n = ringRead(words, bytes, pipe, heap(buffer, offset, length), pid);
      if (n === WOULD_BLOCK) fail('EAGAIN');
      if (n === CONNECTION_RESET) fail('ECONNRESET');
      fence();
      return n;
    },
    write(stream: IpcStream, buffer: Int8Array, offset: number, length: number) {
      const pipe = rings(stream).write ?? fail('EBADF');
      fence();
      const n = ringWrite(words, bytes, pipe, heap(buffer, offset, length), pid);
      if (n === BROKEN_PIPE) fail('EPIPE');
      return n === WOULD_BLOCK ? fail('EAGAIN') : n;
    },
    poll(stream: IpcStream) {
      return stream.ipc ? pollRings(stream.ipc) : 0;
    },
    llseek: () => fail('ESPIPE'),
    close(stream: IpcStream) {
      if (stream.ipc) kernel.fdClose(stream.fd);
    },
    dup(stream: IpcStream) {
      if (stream.ipc) kernel.fdDup(stream.fd, stream.ipcFd);
      stream.ipcFd = stream.fd;
    },
  };
  const dev = FS.makedev(64, 0);
  FS.registerDevice(dev, ops);
  FS.mkdev(DEVICE_PATH, 0o600, dev);
  const node = (FS.lookupPath(DEVICE_PATH, {}) as { node: object }).node;

  const open = (fd: number, kind: FdKind, ipc: Rings | null): IpcStream => {
    const stream = {
      node,
      path: DEVICE_PATH,
      flags: FLAGS[kind],
      seekable: false,
      position: 0,
      stream_ops: ops,
      ungotten: [],
      error: false,
      ipc,
    };
    const created = FS.createStream(stream, fd < 0 ? undefined : fd);
    created.ipcFd = created.fd;
    return created;
  };
  for (const { fd, read, write } of inheritance.fds as FdEntry[]) {
    open(fd, read === null ? 'w' : write === null ? 'r' : 'rw', { read, write });
  }

  // Waits end early for a signal, so the main thread can run its handler (EINTR).
  const interrupts = new Set<() => void>();
  const interruptible = (wait: Promise<void>, timeoutMs: number): Promise<void> =>
    new Promise<void>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = () => {
        interrupts.delete(done);
        clearTimeout(timer);
        resolve();
      };
      interrupts.add(done);
      void wait.then(done);
      if (timeoutMs >= 0) timer = setTimeout(done, timeoutMs);
    });
  const capped = (timeoutMs: number) =>
    timeoutMs < 0 ? MAX_WAIT_MS : Math.min(timeoutMs, MAX_WAIT_MS);

  /**
   * Resolves once any of the descriptors may be ready for its events, or on timeout. Thread
   * `tid` shows as waiting on their objects meanwhile.
   */
  const fdWait = (fds: number[], events: number[], timeoutMs: number, tid: number) => {
    const watched: Promise<void>[] = [];
    const objects: number[] = [];
    for (let i = 0; i < fds.length; i++) {
      const stream = FS.getStream(fds[i]);
      if (!stream?.ipc) return Promise.resolve(); // not a pipe: always ready, poll says so
      const { read, write } = stream.ipc;
      const seqs = [read, write].flatMap((ring) =>
        ring === null ? [] : [[ring, ringSeq(words, ring)]],
      );
      // Checked after taking seq: a change in between makes waitAsync return at once.
      if (pollRings(stream.ipc) & (events[i] | Poll.ERR | Poll.HUP)) return Promise.resolve();
      for (const [ring, seq] of seqs) {
        watched.push(ringWaitChange(words, ring, seq, capped(timeoutMs)));
        objects.push(ring);
      }
    }
    const wait = watched.length ? Promise.race(watched) : new Promise<void>(() => {});
    return observer.waiting(tid, objects, interruptible(wait, timeoutMs));
  };

  return {
    /** Synchronous calls for Python (the bridge). */
    bridge: {
      /** Reserves a descriptor number for a pipe end or socket the kernel is about to make. */
      fdReserve: (kind: FdKind) => open(-1, kind, null).fd,
      /** Gives a reserved descriptor its rings (-1: none), as the kernel answered. */
      fdBind(fd: number, read: number, write: number) {
        const stream = FS.getStream(fd);
        if (stream && !stream.ipc)
          stream.ipc = { read: read < 0 ? null : read, write: write < 0 ? null : write };
      },
      /** A socket's rings changed (it connected, listens, or was bound for datagrams). */
      fdRebind(fd: number, read: number, write: number) {
        const stream = FS.getStream(fd);
        if (stream) stream.ipc = { read: read < 0 ? null : read, write: write < 0 ? null : write };
      },
      /** One datagram from a socket's receive ring (a `peek` leaves it there); null when none
       * waits (EAGAIN). */
      fdRecvMessage(fd: number, peek = false): Uint8Array | null {
        const ring = FS.getStream(fd)?.ipc?.read;
        if (ring == null) return null; // not bound yet: nothing can arrive
        const message = ringReadMessage(words, bytes, ring, pid, peek);
        if (typeof message === 'number') return message === 0 ? new Uint8Array(0) : null;
        fence();
        return message;
      },
      /** recv(MSG_PEEK) on a stream: up to `max` bytes left in place; null when none waits
       * (EAGAIN), an empty array at end of file. */
      fdPeek(fd: number, max: number): Uint8Array | null {
        const ring = FS.getStream(fd)?.ipc?.read ?? fail('EBADF');
        const dest = new Uint8Array(Math.max(0, max));
        const n = ringRead(words, bytes, ring, dest, pid, true);
        if (n === WOULD_BLOCK) return null;
        if (n === CONNECTION_RESET) fail('ECONNRESET');
        fence();
        return dest.subarray(0, n);
      },
      /** Drops a reservation the kernel refused. */
      fdUnreserve(fd: number) {
        if (FS.getStream(fd)?.ipc === null) FS.closeStream(fd);
      },
      isPipe: (fd: number) => Boolean(FS.getStream(fd)?.ipc),
      /** os.set_blocking: Emscripten's F_SETFL can set O_NONBLOCK but never clears it. */
      fdSetBlocking(fd: number, blocking: boolean) {
        const stream = FS.getStream(fd);
        if (stream)
          stream.flags = blocking ? stream.flags & ~O_NONBLOCK : stream.flags | O_NONBLOCK;
      },
      /**
       * Spins up to `ms` for `fd` to be ready for `events`. A peer process often answers
       * within microseconds, and then the thread need not park (which costs far more).
       */
      fdSpin(fd: number, events: number, ms: number): boolean {
        const rings = FS.getStream(fd)?.ipc;
        if (!rings) return true;
        const until = performance.now() + ms;
        do {
          if (pollRings(rings) & (events | Poll.ERR | Poll.HUP)) return true;
        } while (performance.now() < until);
        return false;
      },
      /** The ring a descriptor reads (else writes), as the trace names it; -1 for none. */
      fdRing(fd: number) {
        const rings = FS.getStream(fd)?.ipc;
        return rings?.read ?? rings?.write ?? -1;
      },
      semTryAcquire: (sem: number) => semTryAcquire(words, sem) && (fence(), true),
      semRelease: (sem: number) => (fence(), semRelease(words, sem)),
      semValue: (sem: number) => semValue(words, sem),
    },
    /** What a Python thread can park on (green.wait_call). */
    calls: {
      fdWait,
      semWait: (sem: number, timeoutMs: number, tid: number) =>
        observer.waiting(
          tid,
          [sem],
          interruptible(semWaitChange(words, sem, capped(timeoutMs)), timeoutMs),
        ),
    },
    interrupt() {
      for (const done of [...interrupts]) done();
    },
  };
}
