/**
 * The shared-memory filesystem: one volume, in one SharedArrayBuffer, that the kernel owns and
 * every process worker mounts (`/home/user`, `/tmp`, `/dev/shm`), as Linux's page cache is one
 * for every process. A process reads and writes it directly under the volume's lock, so a file
 * operation costs no message, and what one process writes another reads at once.
 *
 * The layout below is the contract; `workers/fs/volume.ts` is the only code that reads it.
 * Offsets are bytes; word indexes are Int32 indexes.
 */
import type { Reply } from './common';

/** The data heap: a buddy allocator's 2^28 bytes (pages nobody wrote stay uncommitted). */
export const HEAP_ORDER = 28;
/** The smallest block: 64 bytes. */
export const MIN_ORDER = 6;
export const INODE_COUNT = 65536;
/** Twenty words an inode. */
export const INODE_WORDS = 20;

/** Header words. `LOCK` holds the pid holding the volume's lock (0: free), so the kernel can
 * free a lock a killed process held; `WAITERS` counts who waits for it.
 * `CHANGES` counts every change, so the kernel sees at a glance that the workspace moved. */
export const Header = {
  LOCK: 0,
  WAITERS: 1,
  CHANGES: 2,
  NEXT_INODE: 3,
  FREE_INODE: 4,
  /** Where the search for a free open file description starts. */
  NEXT_DESCRIPTION: 5,
  /** Bytes of file data per device (`Device`), and the workspace's cap. */
  USED: 8,
  HOME_CAP: 12,
  /** Free-list heads of the buddy allocator, one per order (block index + 1; 0 = empty). */
  FREE_LISTS: 32,
  WORDS: 64,
} as const;

/** Inode words. `MODE` 0 marks a free inode. A directory's data is its entries; `PARENT` is
 * `..`; `VERSION` changes with every change of its entries (workers cache a directory's names
 * until it moves). `GEN` changes when the inode is reused, so a stale handle fails cleanly.
 * `OPENS` counts open descriptions in every process: an unlinked file lives while one is open.
 * `FLOCK` is `flock(2)`'s state: -1 exclusive, n > 0 shared holders. */
export const Inode = {
  MODE: 0,
  NLINK: 1,
  SIZE: 2,
  DATA: 3,
  ORDER: 4,
  GEN: 5,
  OPENS: 6,
  DEVICE: 7,
  /** Float64 slots (word index / 2): milliseconds since the epoch. */
  MTIME: 8,
  ATIME: 10,
  CTIME: 12,
  PARENT: 14,
  VERSION: 15,
  FLOCK: 16,
  FLOCK_SEQ: 17,
  /** A directory's bytes of removed entries, reclaimed when they are half of it. */
  DEAD: 18,
} as const;

/** Which tree an inode belongs to: the workspace has a cap; /tmp and /dev/shm share the rest. */
export const Device = { HOME: 0, TMP: 1, SHM: 2 } as const;
export type DeviceId = (typeof Device)[keyof typeof Device];

/** The root inode of each device's tree. */
export const ROOT_INODE: Record<DeviceId, number> = { 0: 1, 1: 2, 2: 3 };

/** Where each tree is mounted in every process. */
export const MOUNTS: { path: string; device: DeviceId }[] = [
  { path: '/home/user', device: Device.HOME },
  { path: '/tmp', device: Device.TMP },
  { path: '/dev/shm', device: Device.SHM },
];

/** The workspace's cap, as the browser keeps it; more is ENOSPC. */
export const WORKSPACE_CAP = 50 * 1024 * 1024;

export const HEADER_BYTES = Header.WORDS * 4;
export const INODES_AT = 4096;
/** Open file descriptions, in every process: a stream's offset, which `dup` and a forked
 * child share with it, as Linux's `struct file`. `INO` 0 marks a free one; `REFS` counts
 * descriptors in every process; `POSITION` is a Float64 slot (word index / 2); `FLOCKED` is
 * set once a flock was taken on it, so its last close, in whichever process, reports it. */
export const Description = { INO: 0, REFS: 1, POSITION: 2, FLOCKED: 4, WORDS: 8 } as const;
export const DESCRIPTION_COUNT = 4096;
export const DESCRIPTIONS_AT = INODES_AT + INODE_COUNT * INODE_WORDS * 4;
export const ORDER_MAP_AT = DESCRIPTIONS_AT + DESCRIPTION_COUNT * Description.WORDS * 4;
/** One byte per smallest block: the order + 1 of a free block that starts there, else 0. */
export const ORDER_MAP_BYTES = 1 << (HEAP_ORDER - MIN_ORDER);
export const HEAP_AT = ORDER_MAP_AT + ORDER_MAP_BYTES;
export const VOLUME_BYTES = HEAP_AT + (1 << HEAP_ORDER);

/** A directory entry in its directory's data: `[ino u32][length u16][name, UTF-8]`, padded to
 * four bytes; ino 0 marks a removed entry. */
export const ENTRY_HEADER = 6;
export const NAME_MAX = 255;

/** A volume file a forked child inherits, at the parent's descriptor number and sharing the
 * parent's open file description (its offset). */
export interface InheritedFile {
  fd: number;
  description: number;
  ino: number;
  gen: number;
  flags: number;
  device: DeviceId;
  /** Its path then, under its device's mount (a label: the file may be renamed since). */
  path: string;
}

/** What the kernel reports of the workspace to the page: a file and its state. */
export interface VolumeFile {
  path: string;
  size: number;
  mtime: number;
}

// --- advisory locks (the kernel's table, kernel/file-locks.ts) --------------------------------

/** flock(2) on a whole file for a description; `posix` is fcntl(F_SETLK), which `lockf` uses,
 * on bytes `[start, end)` for the process (`end` null: to the end, however the file grows). */
export interface FileLockRequest {
  ino: number;
  gen: number;
  kind: 'flock' | 'posix';
  type: 'shared' | 'exclusive' | 'unlock';
  /** The worker's id of the open file description (flock's owner). */
  description: number;
  start: number;
  end: number | null;
  /** Block until granted (else EAGAIN at once). */
  wait: boolean;
  /** The file's path, for the process list while waiting. */
  label: string;
}

/** The lock calls; part of `Syscalls`. */
export interface FileLockSyscalls {
  /** Takes, converts or drops a lock; EAGAIN when it conflicts and `wait` is false; EINTR
   * when a signal cuts a wait short. */
  fileLock(request: FileLockRequest): Reply<0>;
  /** A descriptor of the file closed: the process's POSIX locks on it go, as on Linux, and
   * the description's flock locks too when it was its last descriptor (`last`). */
  fileClosed(ino: number, gen: number, description: number, last: boolean, seq: number): void;
}
