/**
 * One filesystem for every process: inodes, directories and file data in a SharedArrayBuffer
 * (layout: protocol/fs.ts). The kernel and every process worker wrap the same buffer in a
 * `Volume` and operate on it under its one lock, so each operation is atomic for all processes,
 * as a system call is: a rename replaces its target at once, an O_APPEND write lands whole at
 * the end, a file created with O_EXCL exists for nobody else.
 *
 * Errors are thrown as `FsError` with Linux's errno. Directory entries are cached per worker by
 * the directory's `VERSION`, so a lookup in a big directory costs a Map get, not a scan.
 */
import { Errno } from '../protocol/constants';
import {
  Device,
  type DeviceId,
  Header,
  INODES_AT,
  INODE_COUNT,
  INODE_WORDS,
  Inode,
  NAME_MAX,
  ROOT_INODE,
  WORKSPACE_CAP,
} from '../protocol/fs';
import { BuddyHeap, orderFor } from './heap';
import { DirectoryCache } from './directory';

export const S_IFMT = 0o170000;
export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;
export const S_IFLNK = 0o120000;

/** V8's knob for how many frames an Error records. */
const errorTrace = Error as { stackTraceLimit?: number };

export class FsError extends Error {
  readonly errno: number;

  constructor(errno: number) {
    // An expected answer (no such name), thrown on every create's first lookup: recording a
    // stack would cost more than the whole operation.
    const limit = errorTrace.stackTraceLimit;
    errorTrace.stackTraceLimit = 0;
    super(`errno ${errno}`);
    errorTrace.stackTraceLimit = limit;
    this.errno = errno;
  }
}

export interface InodeStat {
  ino: number;
  mode: number;
  nlink: number;
  size: number;
  atime: number;
  mtime: number;
  ctime: number;
  device: DeviceId;
}

/** The lock holder the kernel writes for itself. */
export const KERNEL_HOLDER = 0x7fffffff;

export class Volume {
  readonly words: Int32Array;
  readonly bytes: Uint8Array;
  private readonly times: Float64Array;
  private readonly heap: BuddyHeap;
  readonly dirs: DirectoryCache;

  /** `holder`: the pid written into the lock word while this side holds it. */
  constructor(
    readonly buffer: SharedArrayBuffer,
    private readonly holder: number,
  ) {
    this.words = new Int32Array(buffer);
    this.bytes = new Uint8Array(buffer);
    this.times = new Float64Array(buffer);
    this.heap = new BuddyHeap(buffer);
    this.dirs = new DirectoryCache(this);
  }

  /** A fresh, empty volume: the three roots and nothing else (the kernel calls this once). */
  format(): void {
    this.words.fill(0, 0, INODES_AT >> 2);
    this.heap.format();
    this.words[Header.NEXT_INODE] = 4;
    this.words[Header.HOME_CAP] = WORKSPACE_CAP;
    for (const device of [Device.HOME, Device.TMP, Device.SHM] as DeviceId[]) {
      const ino = ROOT_INODE[device];
      this.initInode(ino, S_IFDIR | 0o755, device);
      this.set(ino, Inode.NLINK, 2);
      this.set(ino, Inode.PARENT, ino);
    }
  }

  // ---- the lock: its word is the holder's pid (0 free), so a lock a killed process held is
  // known for what it is, with no moment between taking it and saying who took it ----

  /** How deep this side is in the lock: it is taken again by code that holds it (a shared
   * offset moves under it with the read or write it wraps, fs-mount.ts). */
  private depth = 0;

  lock(): void {
    if (this.depth > 0) {
      this.depth++;
      return;
    }
    const w = this.words;
    for (;;) {
      const holder = Atomics.compareExchange(w, Header.LOCK, 0, this.holder);
      if (holder === 0) {
        this.depth = 1;
        return;
      }
      Atomics.add(w, Header.WAITERS, 1);
      // A bounded wait, so a lock the kernel takes back from a killed holder is seen.
      Atomics.wait(w, Header.LOCK, holder, 50);
      Atomics.sub(w, Header.WAITERS, 1);
    }
  }

  unlock(): void {
    if (--this.depth > 0) return;
    Atomics.store(this.words, Header.LOCK, 0);
    if (Atomics.load(this.words, Header.WAITERS) > 0) Atomics.notify(this.words, Header.LOCK, 1);
  }

  /** Runs `body` under the lock. */
  locked<T>(body: () => T): T {
    this.lock();
    try {
      return body();
    } finally {
      this.unlock();
    }
  }

  /** Who holds the lock (0: nobody). */
  holderOf(): number {
    return Atomics.load(this.words, Header.LOCK);
  }

  /** The kernel frees the lock of a process that died holding it. */
  releaseIfHeldBy(pid: number): boolean {
    if (Atomics.compareExchange(this.words, Header.LOCK, pid, 0) !== pid) return false;
    Atomics.notify(this.words, Header.LOCK);
    return true;
  }

  changes(): number {
    return Atomics.load(this.words, Header.CHANGES);
  }

  /** Marks a change; returns a number no directory version has had. */
  touch(): number {
    return Atomics.add(this.words, Header.CHANGES, 1) + 1;
  }

  // ---- inodes ----

  get(ino: number, field: number): number {
    return this.words[(INODES_AT >> 2) + ino * INODE_WORDS + field];
  }

  set(ino: number, field: number, value: number): void {
    this.words[(INODES_AT >> 2) + ino * INODE_WORDS + field] = value;
  }

  time(ino: number, field: number): number {
    return this.times[((INODES_AT >> 2) + ino * INODE_WORDS + field) >> 1];
  }

  setTime(ino: number, field: number, ms: number): void {
    this.times[((INODES_AT >> 2) + ino * INODE_WORDS + field) >> 1] = ms;
  }

  private initInode(ino: number, mode: number, device: DeviceId): void {
    const gen = this.get(ino, Inode.GEN) + 1;
    this.words.fill(
      0,
      (INODES_AT >> 2) + ino * INODE_WORDS,
      (INODES_AT >> 2) + (ino + 1) * INODE_WORDS,
    );
    this.set(ino, Inode.MODE, mode);
    this.set(ino, Inode.GEN, gen);
    this.set(ino, Inode.DEVICE, device);
    const now = Date.now();
    for (const field of [Inode.MTIME, Inode.ATIME, Inode.CTIME]) this.setTime(ino, field, now);
  }

  newInode(mode: number, device: DeviceId): number {
    let ino = this.words[Header.FREE_INODE];
    if (ino !== 0) this.words[Header.FREE_INODE] = this.get(ino, Inode.PARENT);
    else {
      ino = this.words[Header.NEXT_INODE];
      if (ino >= INODE_COUNT) throw new FsError(Errno.ENOSPC);
      this.words[Header.NEXT_INODE] = ino + 1;
    }
    this.initInode(ino, mode, device);
    return ino;
  }

  /** Frees an inode nobody names and nobody has open. */
  private release(ino: number): void {
    if (this.get(ino, Inode.NLINK) > 0 || this.get(ino, Inode.OPENS) > 0) return;
    const data = this.get(ino, Inode.DATA);
    if (data !== 0) this.heap.free(data, this.get(ino, Inode.ORDER));
    // A directory's entries are not file data: only files count against the cap.
    if (!this.isDir(ino)) {
      const device = this.get(ino, Inode.DEVICE);
      this.words[Header.USED + device] -= this.get(ino, Inode.SIZE);
    }
    this.set(ino, Inode.MODE, 0);
    this.set(ino, Inode.PARENT, this.words[Header.FREE_INODE]);
    this.words[Header.FREE_INODE] = ino;
  }

  /** Throws ENOENT unless `ino` is the live inode of generation `gen`. */
  check(ino: number, gen: number): void {
    if (this.get(ino, Inode.MODE) === 0 || this.get(ino, Inode.GEN) !== gen) {
      throw new FsError(Errno.ENOENT);
    }
  }

  stat(ino: number): InodeStat {
    const mode = this.get(ino, Inode.MODE);
    return {
      ino,
      mode,
      nlink: this.get(ino, Inode.NLINK),
      size: (mode & S_IFMT) === S_IFDIR ? 4096 : this.get(ino, Inode.SIZE),
      atime: this.time(ino, Inode.ATIME),
      mtime: this.time(ino, Inode.MTIME),
      ctime: this.time(ino, Inode.CTIME),
      device: this.get(ino, Inode.DEVICE) as DeviceId,
    };
  }

  isDir(ino: number): boolean {
    return (this.get(ino, Inode.MODE) & S_IFMT) === S_IFDIR;
  }

  // ---- file data ----

  /** The capacity of an inode's block. */
  private capacity(ino: number): number {
    return this.get(ino, Inode.DATA) === 0 ? 0 : 2 ** this.get(ino, Inode.ORDER);
  }

  /** Makes room for `bytes` (growing by whole powers of two), or frees the data when 0. */
  ensure(ino: number, bytes: number): void {
    if (bytes <= this.capacity(ino)) return;
    const order = orderFor(bytes);
    const at = this.heap.allocate(order);
    if (at < 0) throw new FsError(Errno.ENOSPC); // a 1 GB write too: the volume is full
    const old = this.get(ino, Inode.DATA);
    if (old !== 0) {
      this.bytes.copyWithin(at, old, old + this.get(ino, Inode.SIZE));
      this.heap.free(old, this.get(ino, Inode.ORDER));
    }
    this.set(ino, Inode.DATA, at);
    this.set(ino, Inode.ORDER, order);
  }

  /** Sets a file's size: new bytes are zeros; the workspace's cap is ENOSPC. */
  resize(ino: number, size: number): void {
    const old = this.get(ino, Inode.SIZE);
    const device = this.get(ino, Inode.DEVICE);
    const used = this.words[Header.USED + device];
    if (device === Device.HOME && size > old && used + size - old > this.words[Header.HOME_CAP]) {
      throw new FsError(Errno.ENOSPC);
    }
    if (size === 0) {
      const data = this.get(ino, Inode.DATA);
      if (data !== 0) this.heap.free(data, this.get(ino, Inode.ORDER));
      this.set(ino, Inode.DATA, 0);
      this.set(ino, Inode.ORDER, 0);
    } else {
      this.ensure(ino, size);
      const data = this.get(ino, Inode.DATA);
      if (size > old) this.bytes.fill(0, data + old, data + size);
    }
    this.set(ino, Inode.SIZE, size);
    this.words[Header.USED + device] = used + size - old;
  }

  /** Copies up to `into.length` bytes from `position`; the count read. */
  read(ino: number, into: Uint8Array, position: number): number {
    return this.locked(() => {
      const size = this.get(ino, Inode.SIZE);
      if (position >= size) return 0;
      const n = Math.min(into.length, size - position);
      const data = this.get(ino, Inode.DATA);
      into.set(this.bytes.subarray(data + position, data + position + n));
      this.setTime(ino, Inode.ATIME, Date.now());
      return n;
    });
  }

  /** Writes `from` at `position`, or at the end when `append` (decided under the lock, so
   * appends from many processes never overwrite each other). Returns where it wrote. */
  write(ino: number, from: Uint8Array, position: number, append: boolean): number {
    return this.locked(() => {
      const at = append ? this.get(ino, Inode.SIZE) : position;
      const end = at + from.length;
      if (end > this.get(ino, Inode.SIZE)) this.resize(ino, end);
      this.bytes.set(from, this.get(ino, Inode.DATA) + at);
      this.modified(ino);
      return at;
    });
  }

  truncate(ino: number, size: number): void {
    this.locked(() => {
      if (this.isDir(ino)) throw new FsError(Errno.EISDIR);
      this.resize(ino, size);
      this.modified(ino);
    });
  }

  modified(ino: number): void {
    const now = Date.now();
    this.setTime(ino, Inode.MTIME, now);
    this.setTime(ino, Inode.CTIME, now);
    this.touch();
  }

  /** The whole content of a file (kernel side: the page's copy of the workspace). */
  contents(ino: number): Uint8Array {
    return this.locked(() => {
      const data = this.get(ino, Inode.DATA);
      return this.bytes.slice(data, data + this.get(ino, Inode.SIZE));
    });
  }

  /** Runs `body` on a file's bytes under the lock; shared mappings (runtime/file-mappings.ts)
   * copy in and out through it. A `body` that returns true wrote: the file is modified. */
  withBytes(ino: number, body: (bytes: Uint8Array) => boolean): void {
    this.locked(() => {
      const data = this.get(ino, Inode.DATA);
      if (body(this.bytes.subarray(data, data + this.get(ino, Inode.SIZE)))) this.modified(ino);
    });
  }

  // ---- opens: a file lives while a name or an open description (descriptions.ts) has it ----

  open(ino: number): void {
    this.locked(() => this.set(ino, Inode.OPENS, this.get(ino, Inode.OPENS) + 1));
  }

  close(ino: number): void {
    this.locked(() => {
      this.set(ino, Inode.OPENS, Math.max(0, this.get(ino, Inode.OPENS) - 1));
      if (this.get(ino, Inode.MODE) !== 0) this.release(ino);
    });
  }

  /** Before a run, when no process lives: nothing is open, and the files that lived only
   * because a process had them open (unlinked, or left open by one that was killed) go. */
  resetOpens(): void {
    this.locked(() => {
      const end = this.words[Header.NEXT_INODE];
      for (let ino = 1; ino < end; ino++) {
        if (this.get(ino, Inode.MODE) === 0) continue;
        this.set(ino, Inode.OPENS, 0);
        this.release(ino);
      }
    });
  }

  // ---- names ----

  lookup(dir: number, name: string): number {
    const ino = this.find(dir, name);
    if (ino === 0) throw new FsError(Errno.ENOENT);
    return ino;
  }

  /** `name`'s inode in `dir`, or 0: a missing name is a create's usual answer, not an error. */
  find(dir: number, name: string): number {
    return this.locked(() => {
      if (!this.isDir(dir)) throw new FsError(Errno.ENOTDIR);
      if (name === '.') return dir;
      if (name === '..') return this.get(dir, Inode.PARENT);
      return this.dirs.find(dir, name);
    });
  }

  names(dir: number): string[] {
    return this.locked(() => {
      if (!this.isDir(dir)) throw new FsError(Errno.ENOTDIR);
      return this.dirs.names(dir);
    });
  }

  /** A new file, directory or symlink `name` in `dir`; EEXIST when the name is taken. */
  create(dir: number, name: string, mode: number, target?: Uint8Array): number {
    validName(name);
    return this.locked(() => {
      if (!this.isDir(dir) || this.get(dir, Inode.NLINK) === 0) throw new FsError(Errno.ENOENT);
      if (this.dirs.find(dir, name) !== 0) throw new FsError(Errno.EEXIST);
      const ino = this.newInode(mode, this.get(dir, Inode.DEVICE) as DeviceId);
      try {
        if ((mode & S_IFMT) === S_IFDIR) {
          this.set(ino, Inode.NLINK, 2);
          this.set(ino, Inode.PARENT, dir);
          this.set(dir, Inode.NLINK, this.get(dir, Inode.NLINK) + 1);
        } else {
          this.set(ino, Inode.NLINK, 1);
          if (target) {
            this.resize(ino, target.length);
            this.bytes.set(target, this.get(ino, Inode.DATA));
          }
        }
        this.dirs.add(dir, name, ino);
      } catch (error) {
        this.set(ino, Inode.NLINK, 0);
        this.release(ino);
        throw error;
      }
      this.modified(dir);
      return ino;
    });
  }

  /** link(2): `name` in `dir` becomes another name of file `ino`. */
  link(ino: number, dir: number, name: string): void {
    validName(name);
    this.locked(() => {
      if (this.get(ino, Inode.NLINK) === 0) throw new FsError(Errno.ENOENT);
      if (this.isDir(ino)) throw new FsError(Errno.EPERM);
      if (!this.isDir(dir) || this.get(dir, Inode.NLINK) === 0) throw new FsError(Errno.ENOENT);
      if (this.get(ino, Inode.DEVICE) !== this.get(dir, Inode.DEVICE)) {
        throw new FsError(Errno.EXDEV);
      }
      if (this.dirs.find(dir, name) !== 0) throw new FsError(Errno.EEXIST);
      this.dirs.add(dir, name, ino);
      this.set(ino, Inode.NLINK, this.get(ino, Inode.NLINK) + 1);
      this.setTime(ino, Inode.CTIME, Date.now());
      this.modified(dir);
    });
  }

  unlink(dir: number, name: string): void {
    this.locked(() => {
      const ino = this.dirs.find(dir, name);
      if (ino === 0) throw new FsError(Errno.ENOENT);
      if (this.isDir(ino)) throw new FsError(Errno.EISDIR);
      this.dirs.remove(dir, name);
      this.drop(ino);
      this.modified(dir);
    });
  }

  rmdir(dir: number, name: string): void {
    this.locked(() => {
      const ino = this.dirs.find(dir, name);
      if (ino === 0) throw new FsError(Errno.ENOENT);
      if (!this.isDir(ino)) throw new FsError(Errno.ENOTDIR);
      if (this.dirs.names(ino).length > 0) throw new FsError(Errno.ENOTEMPTY);
      this.dirs.remove(dir, name);
      this.removeDir(dir, ino);
      this.modified(dir);
    });
  }

  /** rename(2): atomic; replaces a file, or an empty directory with a directory. */
  rename(fromDir: number, fromName: string, toDir: number, toName: string): void {
    validName(toName);
    this.locked(() => {
      const ino = this.dirs.find(fromDir, fromName);
      if (ino === 0) throw new FsError(Errno.ENOENT);
      if (!this.isDir(toDir) || this.get(toDir, Inode.NLINK) === 0) throw new FsError(Errno.ENOENT);
      const replaced = this.dirs.find(toDir, toName);
      if (replaced === ino) return;
      const moving = this.isDir(ino);
      if (moving) {
        for (let up = toDir; ; up = this.get(up, Inode.PARENT)) {
          if (up === ino) throw new FsError(Errno.EINVAL);
          if (this.get(up, Inode.PARENT) === up) break;
        }
      }
      if (replaced !== 0) {
        if (this.isDir(replaced) && !moving) throw new FsError(Errno.EISDIR);
        if (!this.isDir(replaced) && moving) throw new FsError(Errno.ENOTDIR);
        if (moving && this.dirs.names(replaced).length > 0) throw new FsError(Errno.ENOTEMPTY);
      }
      this.dirs.remove(fromDir, fromName);
      if (replaced !== 0) {
        this.dirs.remove(toDir, toName);
        if (moving) this.removeDir(toDir, replaced);
        else this.drop(replaced);
      }
      this.dirs.add(toDir, toName, ino);
      if (moving && fromDir !== toDir) {
        this.set(ino, Inode.PARENT, toDir);
        this.set(fromDir, Inode.NLINK, this.get(fromDir, Inode.NLINK) - 1);
        this.set(toDir, Inode.NLINK, this.get(toDir, Inode.NLINK) + 1);
      }
      this.setTime(ino, Inode.CTIME, Date.now());
      this.modified(fromDir);
      this.modified(toDir);
    });
  }

  private drop(ino: number): void {
    this.set(ino, Inode.NLINK, this.get(ino, Inode.NLINK) - 1);
    this.release(ino);
  }

  private removeDir(parent: number, ino: number): void {
    this.set(parent, Inode.NLINK, this.get(parent, Inode.NLINK) - 1);
    this.set(ino, Inode.NLINK, 0);
    this.release(ino);
  }
}

function validName(name: string): void {
  if (name.length === 0 || name.includes('/') || name === '.' || name === '..') {
    throw new FsError(Errno.EINVAL);
  }
  if (name.length > NAME_MAX / 4 && new TextEncoder().encode(name).length > NAME_MAX) {
    throw new FsError(Errno.ENAMETOOLONG);
  }
}
