/**
 * Kernel pipes and sockets as file descriptors of this process's CPython.
 *
 * Each kernel descriptor is an Emscripten stream on one character device, so its number comes
 * from the same table as the process's files (as on Linux) and `os.read`, `os.write`,
 * `select`, `poll`, `os.dup` and `os.close` reach it through CPython's own C code. The device
 * copies straight between the arena ring and the WebAssembly heap and never waits: it raises
 * EAGAIN, and the Python layer (procbox/fds.py) parks the thread until the ring changes (the
 * IPC slice's `fdWait`). Closing and duplicating tell the kernel, which keeps the reader and
 * writer counts. A connected socket's descriptor (both rings) is counted on and off its rings
 * here, at once, so its close needs no wait: its peer sees the end as the call returns.
 */
import type { PyodideAPI } from 'pyodide';
import type { FdEntry, IpcInheritance, Rings } from '../protocol/ipc';
import { Poll } from '../protocol/ipc';
import type { FdKind } from '../protocol/layer';
import type { CloseWait } from './close-wait';
import {
  BROKEN_PIPE,
  CONNECTION_RESET,
  WOULD_BLOCK,
  ringAddHolders,
  ringsPoll,
  ringRead,
  ringUsed,
  ringWrite,
} from '../ipc/ring';

const DEVICE_PATH = '/dev/procbox-pipe';
/** Emscripten's open flags (Linux's numbers). */
const O_RDONLY = 0;
const O_WRONLY = 1;
const O_RDWR = 2;
const O_NONBLOCK = 0o4000;
const FLAGS: Record<FdKind, number> = { r: O_RDONLY, w: O_WRONLY, rw: O_RDWR };

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

export interface FdKernel {
  fdClose(fd: number, seq: number | null, released: boolean): void;
  fdDup(fd: number, from: number, counted: boolean): void;
  /** A write found no reader: the kernel sends the writer SIGPIPE (Python ignores it). */
  brokenPipe(): void;
}

/** The arena as the device sees it, and the process it copies for. */
export interface ArenaAccess {
  words: Int32Array;
  bytes: Uint8Array;
  pid: number;
  /** Shared memory's synchronisation point (ipc/mirror.ts): each read and write. */
  fence(): void;
}

/** The events a descriptor has now: its read ring's and its write ring's. */
export function pollRings(words: Int32Array, { read, write }: Rings): number {
  if (read === null && write === null) return Poll.OUT; // a socket not connected yet: writable
  return ringsPoll(words, read, write);
}

/** This process's kernel descriptors: what a number refers to, reserving and binding them. */
export interface KernelFds {
  /** Raises an Emscripten errno (`EBADF`, …), which CPython turns into an OSError. */
  fail(code: string): never;
  /** The rings of descriptor `fd`; null when it is no kernel descriptor, or not bound yet. */
  rings(fd: number): Rings | null;
  reserve(kind: FdKind): number;
  bind(fd: number, read: number, write: number): void;
  rebind(fd: number, read: number, write: number): void;
  unreserve(fd: number): void;
  isPipe(fd: number): boolean;
  /** The numbers of every kernel descriptor (a pipe end or socket) this process has. */
  list(): number[];
  setBlocking(fd: number, blocking: boolean): void;
}

export function installKernelFds(
  py: PyodideAPI,
  kernel: FdKernel,
  inheritance: IpcInheritance,
  arena: ArenaAccess,
  closeWait: CloseWait,
): KernelFds {
  const FS = py.FS as Emscripten;
  const errno = py.ERRNO_CODES as Record<string, number>;
  const { words, bytes, pid, fence } = arena;
  const fail = (code: string): never => {
    throw new FS.ErrnoError(errno[code]);
  };
  const ringsOf = (stream: IpcStream) => stream.ipc ?? fail('EBADF');
  /** A connected socket (or socket pair end): this worker counts its descriptors on its rings
   * itself, a dup at once so that a close right after cannot end the stream for its peer. */
  const connected = (ipc: Rings | null): ipc is { read: number; write: number } =>
    ipc?.read != null && ipc.write !== null;
  const heap = (buffer: Int8Array | Uint8Array, offset: number, length: number) =>
    new Uint8Array(buffer.buffer, buffer.byteOffset + offset, length);

  const ops = {
    read(stream: IpcStream, buffer: Int8Array, offset: number, length: number) {
      const pipe = ringsOf(stream).read ?? fail('EBADF');
      const n = ringRead(words, bytes, pipe, heap(buffer, offset, length), pid);
      if (n === WOULD_BLOCK) fail('EAGAIN');
      if (n === CONNECTION_RESET) fail('ECONNRESET');
      fence();
      return n;
    },
    write(stream: IpcStream, buffer: Int8Array, offset: number, length: number) {
      const pipe = ringsOf(stream).write ?? fail('EBADF');
      fence();
      const n = ringWrite(words, bytes, pipe, heap(buffer, offset, length), pid);
      if (n === BROKEN_PIPE) {
        kernel.brokenPipe();
        fail('EPIPE');
      }
      return n === WOULD_BLOCK ? fail('EAGAIN') : n;
    },
    poll(stream: IpcStream) {
      return stream.ipc ? pollRings(words, stream.ipc) : 0;
    },
    llseek: () => fail('ESPIPE'),
    close(stream: IpcStream) {
      const { ipc } = stream;
      if (!ipc) return;
      // With data unread the close resets the connection: the kernel does that, waited for.
      if (connected(ipc) && ringUsed(words, ipc.read) === 0) {
        ringAddHolders(words, ipc.read, 'r', -1);
        ringAddHolders(words, ipc.write, 'w', -1);
        kernel.fdClose(stream.fd, null, true);
        return;
      }
      // Other processes then see the end closed at once (poll's POLLHUP, a reader's end of file).
      closeWait((seq) => kernel.fdClose(stream.fd, seq, false));
    },
    dup(stream: IpcStream) {
      const { ipc } = stream;
      const counted = connected(ipc);
      if (counted) {
        ringAddHolders(words, ipc.read, 'r', 1);
        ringAddHolders(words, ipc.write, 'w', 1);
      }
      if (ipc) kernel.fdDup(stream.fd, stream.ipcFd, counted);
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
  const ring = (n: number) => (n < 0 ? null : n);

  return {
    fail,
    rings: (fd) => FS.getStream(fd)?.ipc ?? null,
    reserve: (kind) => open(-1, kind, null).fd,
    bind(fd, read, write) {
      const stream = FS.getStream(fd);
      if (stream && !stream.ipc) stream.ipc = { read: ring(read), write: ring(write) };
    },
    rebind(fd, read, write) {
      const stream = FS.getStream(fd);
      if (stream) stream.ipc = { read: ring(read), write: ring(write) };
    },
    unreserve(fd) {
      if (FS.getStream(fd)?.ipc === null) FS.closeStream(fd);
    },
    isPipe: (fd) => Boolean(FS.getStream(fd)?.ipc),
    list: () =>
      (FS.streams as (IpcStream | null)[]).flatMap((stream, fd) => (stream?.ipc ? [fd] : [])),
    setBlocking(fd, blocking) {
      const stream = FS.getStream(fd);
      if (stream) stream.flags = blocking ? stream.flags & ~O_NONBLOCK : stream.flags | O_NONBLOCK;
    },
  };
}
