import { beforeEach, describe, expect, it } from 'vitest';
import { Errno } from '../../workers/protocol/constants';
import {
  DESCRIPTION_COUNT,
  Device,
  Header,
  Inode,
  ROOT_INODE,
  VOLUME_BYTES,
  WORKSPACE_CAP,
} from '../../workers/protocol/fs';
import { BuddyHeap, orderFor } from '../../workers/fs/heap';
import { FsError, S_IFDIR, S_IFREG, Volume } from '../../workers/fs/volume';
import { Descriptions } from '../../workers/fs/descriptions';
import { clear, listFiles, resolve, writeFile } from '../../workers/fs/tree';

const buffer = new SharedArrayBuffer(VOLUME_BYTES);
const HOME = ROOT_INODE[Device.HOME];
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

function errnoOf(body: () => unknown): number | null {
  try {
    body();
    return null;
  } catch (error) {
    if (error instanceof FsError) return error.errno;
    throw error;
  }
}

function readAll(volume: Volume, ino: number): string {
  const into = new Uint8Array(1 << 16);
  return text(into.subarray(0, volume.read(ino, into, 0)));
}

/** Two processes: two views of one buffer, each with its own directory cache. */
let a: Volume;
let b: Volume;
beforeEach(() => {
  a = new Volume(buffer, 1);
  a.format();
  b = new Volume(buffer, 2);
});

describe('the shared volume', () => {
  it('shows a file one process writes to another at once', () => {
    const ino = a.create(HOME, 'config.json', S_IFREG | 0o644);
    a.write(ino, bytes('{"n": 1}'), 0, false);
    expect(b.lookup(HOME, 'config.json')).toBe(ino);
    expect(readAll(b, ino)).toBe('{"n": 1}');
    expect(b.locked(() => b.stat(ino)).size).toBe(8);
  });

  it('creates exclusively: a taken name is EEXIST', () => {
    a.create(HOME, 'lock', S_IFREG | 0o644);
    expect(errnoOf(() => b.create(HOME, 'lock', S_IFREG | 0o644))).toBe(Errno.EEXIST);
  });

  it('appends from several processes never overwrite each other', () => {
    const ino = a.create(HOME, 'log.txt', S_IFREG | 0o644);
    for (let i = 0; i < 50; i++) {
      a.write(ino, bytes(`a${i}\n`), 0, true);
      b.write(ino, bytes(`b${i}\n`), 0, true);
    }
    const lines = readAll(a, ino).trimEnd().split('\n');
    expect(lines).toHaveLength(100);
    expect(new Set(lines).size).toBe(100);
  });

  it('gives Linux errors for missing, non-empty and mistyped names', () => {
    const dir = a.create(HOME, 'd', S_IFDIR | 0o755);
    a.create(dir, 'f', S_IFREG | 0o644);
    expect(errnoOf(() => b.lookup(HOME, 'missing'))).toBe(Errno.ENOENT);
    expect(errnoOf(() => b.rmdir(HOME, 'd'))).toBe(Errno.ENOTEMPTY);
    expect(errnoOf(() => b.unlink(HOME, 'd'))).toBe(Errno.EISDIR);
    expect(errnoOf(() => b.rmdir(dir, 'f'))).toBe(Errno.ENOTDIR);
    expect(errnoOf(() => b.lookup(b.lookup(dir, 'f'), 'x'))).toBe(Errno.ENOTDIR);
  });

  it('renames atomically over an existing file, across directories', () => {
    const dir = a.create(HOME, 'out', S_IFDIR | 0o755);
    const fresh = a.create(HOME, 'tmp123', S_IFREG | 0o644);
    a.write(fresh, bytes('new'), 0, false);
    const old = a.create(dir, 'result', S_IFREG | 0o644);
    a.write(old, bytes('old'), 0, false);
    b.rename(HOME, 'tmp123', dir, 'result');
    expect(a.lookup(dir, 'result')).toBe(fresh);
    expect(readAll(a, a.lookup(dir, 'result'))).toBe('new');
    expect(errnoOf(() => a.lookup(HOME, 'tmp123'))).toBe(Errno.ENOENT);
    expect(a.get(old, 0)).toBe(0); // the replaced inode is free
  });

  it('refuses to move a directory into itself', () => {
    const top = a.create(HOME, 'top', S_IFDIR | 0o755);
    const inner = a.create(top, 'inner', S_IFDIR | 0o755);
    expect(errnoOf(() => a.rename(HOME, 'top', inner, 'loop'))).toBe(Errno.EINVAL);
  });

  it('gives a file a second name that another process reads, until its last name goes', () => {
    const ino = a.create(HOME, 'first', S_IFREG | 0o644);
    a.write(ino, bytes('shared'), 0, false);
    const sub = a.create(HOME, 'sub', S_IFDIR | 0o755);
    a.link(ino, sub, 'second');
    expect(b.lookup(sub, 'second')).toBe(ino);
    expect(b.stat(ino).nlink).toBe(2);
    b.unlink(HOME, 'first');
    expect(readAll(a, a.lookup(sub, 'second'))).toBe('shared');
    expect(errnoOf(() => a.link(ino, sub, 'second'))).toBe(Errno.EEXIST);
    expect(errnoOf(() => a.link(sub, HOME, 'dir-link'))).toBe(Errno.EPERM);
    expect(errnoOf(() => a.link(ino, ROOT_INODE[Device.TMP], 'elsewhere'))).toBe(Errno.EXDEV);
    a.unlink(sub, 'second');
    expect(a.get(ino, Inode.MODE)).toBe(0);
    expect(errnoOf(() => a.link(ino, HOME, 'revived'))).toBe(Errno.ENOENT);
  });

  it('keeps an unlinked file readable while it is open', () => {
    const ino = a.create(HOME, 'gone', S_IFREG | 0o644);
    a.write(ino, bytes('still here'), 0, false);
    a.open(ino);
    b.unlink(HOME, 'gone');
    expect(readAll(a, ino)).toBe('still here');
    a.close(ino);
    expect(a.get(ino, 0)).toBe(0);
  });

  it('stops the workspace at its cap with ENOSPC and keeps what was there', () => {
    const ino = a.create(HOME, 'big', S_IFREG | 0o644);
    a.write(ino, new Uint8Array(WORKSPACE_CAP - 10), 0, false);
    expect(errnoOf(() => a.write(ino, new Uint8Array(100), WORKSPACE_CAP - 10, false))).toBe(
      Errno.ENOSPC,
    );
    expect(a.locked(() => a.stat(ino)).size).toBe(WORKSPACE_CAP - 10);
    // /tmp is not the workspace: its limit is the heap.
    const tmp = a.create(ROOT_INODE[Device.TMP], 'big', S_IFREG | 0o644);
    a.write(tmp, new Uint8Array(64 << 20), 0, false);
    expect(errnoOf(() => a.write(tmp, new Uint8Array(1), 1 << 30, false))).toBe(Errno.ENOSPC);
  });

  it('grows a file by copying and returns every block when it goes', () => {
    const ino = a.create(ROOT_INODE[Device.TMP], 'grow', S_IFREG | 0o644);
    for (let i = 0; i < 1000; i++) a.write(ino, bytes('0123456789'), i * 10, false);
    expect(readAll(a, ino).slice(9990)).toBe('0123456789');
    a.unlink(ROOT_INODE[Device.TMP], 'grow');
    // Everything merged back: a block of half the heap is free again.
    const fresh = new Volume(buffer, 3);
    const big = fresh.create(ROOT_INODE[Device.TMP], 'all', S_IFREG | 0o644);
    expect(() => fresh.truncate(big, 120 << 20)).not.toThrow();
  });

  it('sees names another process adds and removes, in big directories too', () => {
    for (let i = 0; i < 3000; i++) a.create(HOME, `f${i}`, S_IFREG | 0o644);
    expect(b.names(HOME)).toHaveLength(3000);
    for (let i = 0; i < 2900; i++) b.unlink(HOME, `f${i}`);
    expect(a.names(HOME).sort()).toEqual(
      Array.from({ length: 100 }, (_, i) => `f${2900 + i}`).sort(),
    );
    expect(a.lookup(HOME, 'f2999')).toBe(b.lookup(HOME, 'f2999'));
  });

  it('keeps names in any script', () => {
    for (const name of ['with space.txt', '数据.csv', 'émoji 🎉.txt']) {
      const ino = a.create(HOME, name, S_IFREG | 0o644);
      expect(b.lookup(HOME, name)).toBe(ino);
    }
    expect(b.names(HOME).sort()).toEqual(['émoji 🎉.txt', 'with space.txt', '数据.csv'].sort());
  });

  /** Process 1's and process 2's descriptions, each with its counts, and the kernel's. */
  const descriptions = () => {
    const counts = [1, 2].map(() => new Int32Array(new SharedArrayBuffer(DESCRIPTION_COUNT * 4)));
    return {
      parent: new Descriptions(a, counts[0]),
      child: new Descriptions(b, counts[1]),
      kernel: new Descriptions(a, null),
      counts,
    };
  };

  it('shares an open description, and its offset, with a forked child', () => {
    const { parent, child, counts } = descriptions();
    const ino = a.create(HOME, 'log.txt', S_IFREG | 0o644);
    const d = parent.open(ino);
    parent.setPosition(d, 12);
    parent.lend(d); // for the child, which the kernel counts
    counts[1][d]++;
    expect(counts[0][d]).toBe(1);
    expect(child.position(d)).toBe(12);
    child.setPosition(d, 20);
    expect(parent.position(d)).toBe(20);
    a.unlink(HOME, 'log.txt');
    expect(parent.close(d)).toBe(false); // the child still has it: the file lives
    expect(b.get(ino, Inode.MODE)).not.toBe(0);
    expect(child.close(d)).toBe(true);
    expect(b.get(ino, Inode.MODE)).toBe(0);
    expect(parent.open(a.create(HOME, 'next', S_IFREG | 0o644))).not.toBe(d);
  });

  it('closes what an ended process held, once, and reports a flock its last close drops', () => {
    const { parent, child, kernel, counts } = descriptions();
    const ino = a.create(HOME, 'locked.txt', S_IFREG | 0o644);
    const shared = parent.open(ino);
    parent.markFlocked(shared);
    parent.lend(shared);
    counts[1][shared]++;
    const own = child.open(ino);
    child.share(own); // dup
    child.markFlocked(own);
    expect(counts[1][own]).toBe(2);
    // The child is killed: the kernel closes its three references. The parent keeps `shared`
    // (and its flock); `own` closes for good, with its flock.
    expect(kernel.closeHeld(counts[1])).toEqual([own]);
    expect(counts[1].every((n) => n === 0)).toBe(true);
    // The dead worker runs on a moment and closes a file: it was closed already.
    expect(child.close(own)).toBe(false);
    expect(a.get(ino, Inode.OPENS)).toBe(1);
    expect(parent.close(shared)).toBe(true);
    expect(a.get(ino, Inode.OPENS)).toBe(0);
  });

  it('closes everything before a run: files only an open kept go', () => {
    const { parent } = descriptions();
    const ino = a.create(HOME, 'left-open.txt', S_IFREG | 0o644);
    a.write(ino, bytes('x'.repeat(1000)), 0, false);
    const d = parent.open(ino);
    a.unlink(HOME, 'left-open.txt'); // a worker that ran on after its death opened it
    const used = a.words[Header.USED + Device.HOME];
    expect(a.get(ino, Inode.MODE)).not.toBe(0);
    new Descriptions(a, null).reset();
    a.resetOpens();
    expect(a.get(ino, Inode.MODE)).toBe(0);
    expect(a.words[Header.USED + Device.HOME]).toBe(used - 1000);
    expect(new Descriptions(a, null).close(d)).toBe(true); // already free: nothing happens twice
  });

  it('is taken again by code that holds it', () => {
    a.locked(() => a.locked(() => expect(a.holderOf()).toBe(1)));
    expect(a.holderOf()).toBe(0);
  });

  it('frees a lock whose holder died', () => {
    a.lock();
    expect(b.releaseIfHeldBy(2)).toBe(false);
    expect(b.releaseIfHeldBy(1)).toBe(true);
    expect(() => b.locked(() => 0)).not.toThrow();
  });

  it('writes, lists and clears trees by path for the kernel', () => {
    writeFile(a, Device.HOME, 'main.py', bytes('print(1)'));
    writeFile(a, Device.HOME, 'data/in.txt', bytes('x'));
    expect(listFiles(b, Device.HOME).map((f) => [f.path, f.size])).toEqual([
      ['data/in.txt', 1],
      ['main.py', 8],
    ]);
    expect(resolve(b, Device.HOME, 'data/in.txt')).not.toBe(0);
    clear(b, Device.HOME);
    expect(listFiles(a, Device.HOME)).toEqual([]);
    expect(a.words[Header.USED + Device.HOME]).toBe(0);
  });
});

describe('the buddy heap', () => {
  it('splits and merges blocks', () => {
    const heap = new BuddyHeap(buffer);
    heap.format();
    const x = heap.allocate(orderFor(100));
    const y = heap.allocate(orderFor(100));
    expect(y - x).toBe(128);
    heap.free(x, orderFor(100));
    heap.free(y, orderFor(100));
    expect(heap.allocate(28)).toBe(x);
  });
});
