import { describe, expect, it } from 'vitest';
import {
  PAGE_BYTES,
  clearSparse,
  copySparse,
  withSparseRestore,
  writtenPages,
} from '../../workers/runtime/sparse-copy';
import { processLimitFor } from '../../src/kernel-client';
import { DEFAULT_PROCESS_LIMIT } from '../../workers/protocol/constants';

/** Memory of `pages` pages; each page in `marks` gets that byte at its start and its end. */
function memory(pages: number, marks: Record<number, number> = {}): Uint8Array {
  const bytes = new Uint8Array(pages * PAGE_BYTES);
  for (const [page, value] of Object.entries(marks)) {
    bytes[Number(page) * PAGE_BYTES] = value;
    bytes[(Number(page) + 1) * PAGE_BYTES - 1] = value;
  }
  return bytes;
}

/** Records which pages of `target` were written through `set`. */
function recordingWrites(target: Uint8Array): Set<number> {
  const written = new Set<number>();
  const set = target.set.bind(target);
  target.set = (source: ArrayLike<number>, offset = 0) => {
    for (let at = offset; at < offset + source.length; at += PAGE_BYTES) {
      written.add(Math.floor(at / PAGE_BYTES));
    }
    set(source, offset);
  };
  return written;
}

describe('copySparse', () => {
  it('copies exactly, and writes no page that is zero on both sides', () => {
    const source = memory(6, { 1: 7, 4: 9 });
    const target = memory(8, { 2: 5, 5: 3 }); // stale bytes where the source is zero
    const writes = recordingWrites(target);
    copySparse(target, source);
    expect(target.subarray(0, source.length)).toEqual(source);
    expect(target[5 * PAGE_BYTES]).toBe(0);
    expect([...writes].sort()).toEqual([1, 2, 4, 5]); // 0 and 3 were left alone
  });

  it('trusts a map of written pages instead of reading the target', () => {
    const source = memory(4, { 0: 1 });
    const target = memory(4, { 2: 8, 3: 8 });
    const written = Uint8Array.from([0, 0, 0, 1]); // page 2's bytes are not in the map
    copySparse(target, source, 0, written);
    expect(target[2 * PAGE_BYTES]).toBe(8); // left as the map said it was: zero
    expect(target[3 * PAGE_BYTES]).toBe(0);
    expect(target[0]).toBe(1);
  });

  it('copies whole when the offset is not page-aligned, and into an offset page', () => {
    const source = memory(1, { 0: 4 });
    const target = memory(3, { 1: 2 });
    copySparse(target, source, 10);
    expect(target.subarray(10, 10 + PAGE_BYTES)).toEqual(source);
    const aligned = memory(3, { 2: 6 });
    copySparse(aligned, memory(1), 2 * PAGE_BYTES);
    expect(aligned[2 * PAGE_BYTES]).toBe(0);
  });
});

describe('clearSparse and writtenPages', () => {
  it('zeroes from an offset, and maps the pages that are not zero', () => {
    const target = memory(4, { 0: 1, 1: 1, 3: 2 });
    expect([...writtenPages(target)]).toEqual([1, 1, 0, 1]);
    clearSparse(target, PAGE_BYTES + 1);
    expect(target[PAGE_BYTES]).toBe(1); // before the offset
    expect(target.subarray(PAGE_BYTES + 1).every((b) => b === 0)).toBe(true);
    expect([...writtenPages(target)]).toEqual([1, 1, 0, 0]);
  });
});

describe('withSparseRestore', () => {
  const snapshot = memory(4, { 1: 3 });

  it("makes the copy of the snapshot sparse while loading, measuring the target's pages once", async () => {
    const fresh = memory(4, { 2: 9 }); // what the runtime wrote before the restore
    const { loaded, written } = await withSparseRestore(snapshot, null, async () => {
      fresh.set(snapshot);
      return 'booted';
    });
    expect(loaded).toBe('booted');
    expect(fresh).toEqual(snapshot);
    expect([...written!]).toEqual([0, 0, 1, 0]);

    // The next boot goes by that map: what it does not mark is taken as zero, unread.
    const next = memory(4, { 2: 9, 3: 9 });
    const again = await withSparseRestore(snapshot, written, async () => next.set(snapshot));
    expect(again.written).toBeNull();
    expect(next[2 * PAGE_BYTES]).toBe(0);
    expect(next[3 * PAGE_BYTES]).toBe(9);
  });

  it('leaves other copies alone, and restores TypedArray.prototype.set after', async () => {
    const set = Object.getPrototypeOf(Int8Array.prototype).set;
    const other = memory(2, { 0: 1 });
    const target = memory(2, { 1: 5 });
    await withSparseRestore(snapshot, Uint8Array.from([0, 0, 0, 0]), async () => {
      target.set(other); // not the snapshot: a plain copy, page 1 zeroed
    });
    expect(target[PAGE_BYTES]).toBe(0);
    expect(Object.getPrototypeOf(Int8Array.prototype).set).toBe(set);
  });
});

describe('processLimitFor', () => {
  it('allows 64 on 8 GiB or an unknown device, and fewer on smaller ones', () => {
    expect(processLimitFor(8)).toBe(DEFAULT_PROCESS_LIMIT);
    expect(DEFAULT_PROCESS_LIMIT).toBe(64);
    expect(processLimitFor(undefined)).toBe(64);
    expect(processLimitFor(4)).toBe(32);
    expect(processLimitFor(0.5)).toBe(16);
  });
});
