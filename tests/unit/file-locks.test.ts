import { describe, expect, it } from 'vitest';
import { Errno } from '../../workers/protocol/constants';
import type { FileLockRequest } from '../../workers/protocol/fs';
import { FileLocks, fileLockCallsFor } from '../../workers/kernel/file-locks';

/** A process's calls; `signal()` cuts its current wait short, as a signal would. */
function processCalls(locks: FileLocks, pid: number) {
  let interrupt = () => {};
  const block = (_what: string, until: Promise<unknown>) =>
    Promise.race([
      until.then(() => false),
      new Promise<boolean>((resolve) => (interrupt = () => resolve(true))),
    ]);
  const closed: number[] = [];
  const calls = fileLockCallsFor(locks, pid, block, undefined, (seq) => closed.push(seq));
  return { calls, signal: () => interrupt(), closed };
}

const base: FileLockRequest = {
  ino: 7,
  gen: 1,
  kind: 'flock',
  type: 'exclusive',
  description: 1,
  start: 0,
  end: null,
  wait: false,
  label: '/home/user/f',
};
const settled = async (p: Promise<unknown>) => {
  let done = false;
  void p.then(() => (done = true));
  await new Promise((resolve) => setTimeout(resolve, 0));
  return done;
};

describe('file locks', () => {
  it('flock: descriptions conflict, even in one process; a shared lock admits others', async () => {
    const locks = new FileLocks();
    const { calls } = processCalls(locks, 10);
    expect(await calls.fileLock(base)).toBe(0);
    expect(await calls.fileLock({ ...base, description: 2 })).toEqual({ errno: Errno.EAGAIN });
    expect(await calls.fileLock({ ...base, type: 'shared' })).toBe(0); // a conversion
    expect(await calls.fileLock({ ...base, description: 2, type: 'shared' })).toBe(0);
    expect(await calls.fileLock({ ...base, description: 3 })).toEqual({ errno: Errno.EAGAIN });
  });

  it('a blocked lock is granted when the holder lets go, or cut short by a signal', async () => {
    const locks = new FileLocks();
    const a = processCalls(locks, 10);
    const b = processCalls(locks, 11);
    await a.calls.fileLock(base);
    const waiting = b.calls.fileLock({ ...base, description: 2, wait: true });
    expect(await settled(waiting)).toBe(false);
    await a.calls.fileLock({ ...base, type: 'unlock' });
    expect(await waiting).toBe(0);

    const interrupted = a.calls.fileLock({ ...base, wait: true });
    a.signal();
    expect(await interrupted).toEqual({ errno: Errno.EINTR });
  });

  it('a POSIX request that would close a circle of waits fails with EDEADLK; flock just waits', async () => {
    const locks = new FileLocks();
    const [a, b, c] = [10, 11, 12].map((pid) => processCalls(locks, pid).calls);
    const posix = { ...base, kind: 'posix' as const, wait: true };
    await a.fileLock({ ...posix, start: 0, end: 10 });
    await b.fileLock({ ...posix, start: 10, end: 20 });
    await c.fileLock({ ...posix, start: 20, end: 30 });
    const bWaits = b.fileLock({ ...posix, start: 0, end: 10 }); // b waits for a
    const cWaits = c.fileLock({ ...posix, start: 10, end: 20 }); // c waits for b
    expect(await settled(bWaits)).toBe(false);
    expect(await settled(cWaits)).toBe(false);
    // a → c → b → a: refused, and nothing changes for the others.
    expect(await a.fileLock({ ...posix, start: 20, end: 30 })).toEqual({ errno: Errno.EDEADLK });
    expect(await settled(bWaits)).toBe(false);
    await a.fileLock({ ...posix, type: 'unlock', start: 0, end: 10 });
    expect(await bWaits).toBe(0);
    await b.fileLock({ ...posix, type: 'unlock', start: 0, end: 20 });
    expect(await cWaits).toBe(0);
    // Waits that ended are forgotten: a waits for c, and c's new request only waits too.
    const aWaits = a.fileLock({ ...posix, start: 20, end: 30 });
    expect(await settled(aWaits)).toBe(false);
    const cAgain = c.fileLock({ ...posix, start: 40, end: 50 });
    expect(await cAgain).toBe(0);
    // flock has no such check on Linux either: crossed flock requests both wait.
    await a.fileLock({ ...base, ino: 8 });
    await b.fileLock({ ...base, ino: 9, description: 2 });
    expect(await settled(a.fileLock({ ...base, ino: 9, wait: true }))).toBe(false);
    expect(await settled(b.fileLock({ ...base, ino: 8, description: 2, wait: true }))).toBe(false);
  });

  it('POSIX locks: ranges per process, split on unlock, dropped on any close', async () => {
    const locks = new FileLocks();
    const a = processCalls(locks, 10).calls;
    const b = processCalls(locks, 11).calls;
    const posix = { ...base, kind: 'posix' as const };
    expect(await a.fileLock({ ...posix, start: 0, end: 10 })).toBe(0);
    expect(await a.fileLock({ ...posix, description: 2, start: 5, end: 20 })).toBe(0); // own
    expect(await b.fileLock({ ...posix, start: 20, end: 30 })).toBe(0);
    expect(await b.fileLock({ ...posix, start: 19, end: 21 })).toEqual({ errno: Errno.EAGAIN });
    await a.fileLock({ ...posix, type: 'unlock', start: 5, end: 15 });
    expect(await b.fileLock({ ...posix, start: 6, end: 14 })).toBe(0);
    expect(await b.fileLock({ ...posix, start: 15, end: 16 })).toEqual({ errno: Errno.EAGAIN });
    const closer = processCalls(locks, 10);
    closer.calls.fileClosed(7, 1, 9, false, 4);
    expect(closer.closed).toEqual([4]); // acknowledged once the locks are gone
    expect(await b.fileLock({ ...posix, start: 0, end: 20 })).toBe(0);
    // flock and POSIX locks never meet, as on Linux
    expect(await a.fileLock(base)).toBe(0);
  });

  it('an exited process keeps no POSIX lock; a flock goes with its description; another generation is another file', async () => {
    const locks = new FileLocks();
    const a = processCalls(locks, 10).calls;
    const b = processCalls(locks, 11).calls;
    await a.fileLock(base);
    await a.fileLock({ ...base, kind: 'posix', start: 0, end: null });
    expect(await b.fileLock({ ...base, gen: 2, description: 4 })).toBe(0);
    locks.released(10);
    // The flock's description may live on in a forked child: only its last close drops it.
    expect(await b.fileLock({ ...base, description: 5 })).toEqual({ errno: Errno.EAGAIN });
    expect(await b.fileLock({ ...base, kind: 'posix', start: 0, end: null })).toBe(0);
    locks.dropOwner(`description:${base.description}`);
    expect(await b.fileLock({ ...base, description: 5 })).toBe(0);
    b.fileClosed(7, 1, 5, true, 1);
    expect(await a.fileLock(base)).toBe(0);
    expect(await a.fileLock({ ...base, kind: 'posix', start: 5, end: 2 })).toEqual({
      errno: Errno.EINVAL,
    });
  });
});
