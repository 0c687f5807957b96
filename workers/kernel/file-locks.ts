/**
 * Advisory file locks, as Linux keeps them: two independent kinds on each file.
 * - `flock(2)` locks the whole file for an open file description: two descriptors from two
 *   `open` calls conflict even in one process; a second request by the same description
 *   converts its lock.
 * - POSIX record locks (`fcntl(F_SETLK)`, which `lockf` calls) lock byte ranges for a process:
 *   its own locks never conflict with each other, a new one replaces what it overlaps, and
 *   closing any descriptor of the file drops them all.
 * A POSIX lock goes when its process exits, a flock with its description's last close. A
 * blocking POSIX request that would wait, through a chain of waiting processes, for a lock its
 * own process holds fails with EDEADLK, as Linux's does (flock has no such check there either).
 * A file is `ino:gen` of the shared volume, so a reused inode never inherits locks.
 */
import { Errno } from '../protocol/constants';
import type { FileLockRequest, FileLockSyscalls } from '../protocol/fs';
import type { Pid } from '../protocol/kernel';

interface Held {
  pid: Pid;
  /** The description (flock) or the pid (POSIX) that holds it. */
  owner: string;
  exclusive: boolean;
  start: number;
  /** One past the last byte; Infinity for "to the end of the file, however it grows". */
  end: number;
}

const overlaps = (a: Held, start: number, end: number) => a.start < end && start < a.end;
/** How far a chain of waiting owners is followed (Linux: MAX_DEADLK_ITERATIONS). */
const MAX_CHAIN = 10;

interface Wait {
  file: string;
  want: Held;
}

export class FileLocks {
  private readonly files = new Map<string, Held[]>();
  private readonly waiters = new Map<string, (() => void)[]>();
  /** What each POSIX owner's blocked requests wait for (one a thread). */
  private readonly waits = new Map<string, Wait[]>();

  /** The owners whose locks keep `want` out of `file`. */
  private blockers(file: string, want: Held): string[] {
    return (this.files.get(file) ?? [])
      .filter(
        (h) =>
          h.owner !== want.owner &&
          (h.exclusive || want.exclusive) &&
          overlaps(h, want.start, want.end),
      )
      .map((h) => h.owner);
  }

  /** Takes or converts a lock; false when another owner's lock conflicts. */
  tryLock(file: string, want: Held): boolean {
    if (this.blockers(file, want).length > 0) return false;
    // Stored as a change: a downgrade (exclusive to shared) may let waiters in.
    const held = this.files.get(file) ?? [];
    this.store(file, [...this.cut(held, want.owner, want.start, want.end), want]);
    return true;
  }

  /** Drops `owner`'s locks on `[start, end)`, splitting any that reach beyond it. */
  unlock(file: string, owner: string, start = 0, end = Infinity): void {
    const held = this.files.get(file);
    if (!held) return;
    this.store(file, this.cut(held, owner, start, end));
  }

  /** Every lock `owner` holds, on any file (a description's last close). */
  dropOwner(owner: string): void {
    this.dropWhere((h) => h.owner === owner);
  }

  /** A process exited: its POSIX locks go (its flock locks go with their descriptions, which
   * a forked child may still hold). */
  released(pid: Pid): void {
    this.dropWhere((h) => h.owner === `${pid}`);
  }

  private dropWhere(doomed: (held: Held) => boolean): void {
    for (const [file, held] of this.files) {
      if (held.some(doomed))
        this.store(
          file,
          held.filter((h) => !doomed(h)),
        );
    }
  }

  /** Whether `want`, were it to wait, would wait through a chain of waiting owners for a lock
   * its own owner holds. */
  wouldDeadlock(file: string, want: Held): boolean {
    const seen = new Set<string>();
    let owners = this.blockers(file, want);
    for (let depth = 0; depth < MAX_CHAIN && owners.length > 0; depth++) {
      const next: string[] = [];
      for (const owner of owners) {
        if (owner === want.owner) return true;
        if (seen.has(owner)) continue;
        seen.add(owner);
        for (const wait of this.waits.get(owner) ?? [])
          next.push(...this.blockers(wait.file, wait.want));
      }
      owners = next;
    }
    return false;
  }

  /** Records that `want` waits for `file` until the returned function is called. */
  waiting(file: string, want: Held): () => void {
    const wait = { file, want };
    this.waits.set(want.owner, [...(this.waits.get(want.owner) ?? []), wait]);
    return () => {
      const rest = (this.waits.get(want.owner) ?? []).filter((w) => w !== wait);
      if (rest.length > 0) this.waits.set(want.owner, rest);
      else this.waits.delete(want.owner);
    };
  }

  /** Resolves at the next change of `file`'s locks; the caller then tries again. */
  changed(file: string): { promise: Promise<void>; cancel: () => void } {
    let wake!: () => void;
    const promise = new Promise<void>((resolve) => (wake = resolve));
    const list = this.waiters.get(file) ?? [];
    list.push(wake);
    this.waiters.set(file, list);
    const cancel = () => {
      const now = this.waiters.get(file);
      const i = now?.indexOf(wake) ?? -1;
      if (i >= 0) now!.splice(i, 1);
      if (now?.length === 0) this.waiters.delete(file);
    };
    return { promise, cancel };
  }

  /** The locks held on `file`, for tests and the process list. */
  holders(file: string): readonly Held[] {
    return this.files.get(file) ?? [];
  }

  private cut(held: Held[], owner: string, start: number, end: number): Held[] {
    const kept: Held[] = [];
    for (const h of held) {
      if (h.owner !== owner || !overlaps(h, start, end)) {
        kept.push(h);
        continue;
      }
      if (h.start < start) kept.push({ ...h, end: start });
      if (end < h.end) kept.push({ ...h, start: end });
    }
    return kept;
  }

  private store(file: string, held: Held[]): void {
    if (held.length === 0) this.files.delete(file);
    else this.files.set(file, held);
    const list = this.waiters.get(file);
    if (!list) return;
    this.waiters.delete(file);
    for (const wake of list) wake();
  }
}

const isOffset = (n: unknown): n is number => typeof n === 'number' && n >= 0 && n <= 2 ** 53;

/** `block(what, until)` waits on behalf of the process; true when a signal cut it short. */
export function fileLockCallsFor(
  locks: FileLocks,
  pid: Pid,
  block: (what: string, until: Promise<unknown>) => Promise<boolean>,
  /** False once the process exited: a request still on its way must not take a lock. */
  alive: () => boolean = () => true,
  /** Close number `seq` is carried out (IpcSyscalls.fdClose). */
  closed: (seq: number) => void = () => {},
): FileLockSyscalls {
  return {
    async fileLock(request: FileLockRequest) {
      if (!alive()) return { errno: Errno.EINTR };
      const { ino, gen, kind, type, wait, label } = request ?? {};
      if (!Number.isInteger(ino) || !Number.isInteger(gen)) return { errno: Errno.EINVAL };
      if (kind !== 'flock' && kind !== 'posix') return { errno: Errno.EINVAL };
      const start = kind === 'posix' ? request.start : 0;
      const end = kind === 'posix' && request.end !== null ? request.end : Infinity;
      if (!isOffset(start) || !(end === Infinity || (isOffset(end) && end > start))) {
        return { errno: Errno.EINVAL };
      }
      // flock's owner is the description, which a forked child shares; POSIX locks', the process.
      const owner = kind === 'flock' ? `description:${request.description}` : `${pid}`;
      const file = `${kind}:${ino}:${gen}`;
      if (type === 'unlock') {
        locks.unlock(file, owner, start, end);
        return 0;
      }
      if (type !== 'shared' && type !== 'exclusive') return { errno: Errno.EINVAL };
      const want = { pid, owner, exclusive: type === 'exclusive', start, end };
      // flock converts by dropping the old lock first, so a waiting conversion holds nothing.
      if (kind === 'flock') locks.unlock(file, owner);
      while (!locks.tryLock(file, want)) {
        if (!wait) return { errno: Errno.EAGAIN };
        if (kind === 'posix' && locks.wouldDeadlock(file, want)) return { errno: Errno.EDEADLK };
        const changed = locks.changed(file);
        const done = kind === 'posix' ? locks.waiting(file, want) : () => {};
        const what = `${kind === 'flock' ? 'flock' : 'lockf'}(${String(label).slice(0, 80)})`;
        const interrupted = await block(what, changed.promise);
        changed.cancel();
        done();
        if (interrupted) return { errno: Errno.EINTR };
      }
      return 0;
    },
    fileClosed(ino, gen, description, last, seq) {
      if (Number.isInteger(ino) && Number.isInteger(gen)) {
        locks.unlock(`posix:${ino}:${gen}`, `${pid}`);
        if (last && Number.isInteger(description)) locks.dropOwner(`description:${description}`);
      }
      if (Number.isInteger(seq)) closed(seq);
    },
  };
}
