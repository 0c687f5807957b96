import { describe, expect, it } from 'vitest';
import {
  PAGE_BYTES,
  PATCHED,
  clearSparse,
  copySparse,
  decodePacked,
  encodePacked,
  packPages,
  unpackPages,
  writtenPages,
} from '../../workers/runtime/sparse-copy';
import { withSharedSnapshot } from '../../workers/runtime/snapshot-restore';
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
    const written = writtenPages(target);
    const writes = recordingWrites(target);
    copySparse(target, source, written);
    expect(target.subarray(0, source.length)).toEqual(source);
    expect(target[5 * PAGE_BYTES]).toBe(0);
    expect([...writes].sort()).toEqual([1, 2, 4, 5]); // 0 and 3 were left alone
  });

  it('trusts a map of written pages instead of reading the target', () => {
    const source = memory(4, { 0: 1 });
    const target = memory(4, { 2: 8, 3: 8 });
    const written = Uint8Array.from([0, 0, 0, 1]); // page 2's bytes are not in the map
    copySparse(target, source, written);
    expect(target[2 * PAGE_BYTES]).toBe(8); // left as the map said it was: zero
    expect(target[3 * PAGE_BYTES]).toBe(0);
    expect(target[0]).toBe(1);
  });

  it('copies each run of pages with one set: no view per page', () => {
    const source = memory(9, { 1: 7, 2: 7, 3: 7, 6: 1, 8: 2 });
    const target = new Uint8Array(source.length);
    const calls: [number, number][] = [];
    const set = target.set.bind(target);
    target.set = (from: ArrayLike<number>, offset = 0) => {
      calls.push([offset / PAGE_BYTES, from.length / PAGE_BYTES]);
      set(from, offset);
    };
    copySparse(target, source, writtenPages(target));
    expect(target.slice()).toEqual(source);
    expect(calls).toEqual([
      [1, 3],
      [6, 1],
      [8, 1],
    ]);
  });

  it('leaves the target past a shorter source alone', () => {
    const target = memory(3, { 1: 2, 2: 6 });
    copySparse(target, memory(1, { 0: 4 }), writtenPages(target));
    expect(target[0]).toBe(4);
    expect(target[2 * PAGE_BYTES]).toBe(6);
  });
});

describe('packPages and unpackPages', () => {
  it('carry only the pages that are not zero, and restore the memory exactly', () => {
    const memory = new Uint8Array(3 * PAGE_BYTES + 100); // a partial last page
    memory[5] = 1;
    memory[3 * PAGE_BYTES + 99] = 2;
    const image = packPages(memory);
    expect([...image.pages]).toEqual([1, 0, 0, 1]);
    expect(image.packed.length).toBe(PAGE_BYTES + 100);

    const target = new Uint8Array(5 * PAGE_BYTES).fill(7); // a used worker's memory
    target.fill(0, PAGE_BYTES, 2 * PAGE_BYTES); // page 1 is zero already: left alone
    const writes = recordingWrites(target);
    unpackPages(target, image);
    expect(target.subarray(0, memory.length)).toEqual(memory);
    expect(target[memory.length]).toBe(7); // past the image: the caller's to clear
    expect([...writes].sort()).toEqual([0, 3]);
  });

  it('into fresh memory, read nothing of the target and write only the packed pages', () => {
    const image = packPages(memory(4, { 1: 3 }));
    const target = new Uint8Array(4 * PAGE_BYTES);
    target[0] = 9; // not so fresh after all: a fresh unpack must not have looked at it
    const writes = recordingWrites(target);
    unpackPages(target, image, 'fresh');
    expect([...writes]).toEqual([1]);
    expect(target[0]).toBe(9);
    expect(target[PAGE_BYTES]).toBe(3);
  });

  it('against a base, carry only the pages that differ from it, and restore the rest from it', () => {
    // The base (a snapshot) is 4 pages; the memory, 6 and a bit: past the base it is zero.
    const base = memory(4, { 0: 1, 1: 2, 2: 3, 3: 4 });
    const source = new Uint8Array(6 * PAGE_BYTES + 8);
    source.set(base);
    source[PAGE_BYTES + 7] = 9; // page 1 written since
    source.fill(0, 2 * PAGE_BYTES, 3 * PAGE_BYTES); // page 2 now zero: differs from the base
    source[5 * PAGE_BYTES + 1] = 5; // past the base, not zero
    const image = packPages(source, [0, 0], undefined, { bytes: base });
    expect([...image.pages]).toEqual([0, 1, 1, 0, 0, 1, 0]);
    expect(image.packed.length).toBe(3 * PAGE_BYTES);

    // A child booted from the base, then written a little: its pages 0 and 6 drifted.
    const target = new Uint8Array(7 * PAGE_BYTES);
    target.set(base);
    target[10] = 8;
    target[6 * PAGE_BYTES + 2] = 6;
    const writes = recordingWrites(target);
    unpackPages(target, image, 'unknown', { bytes: base });
    expect(target.subarray(0, source.length)).toEqual(source);
    expect([...writes].sort()).toEqual([0, 1, 2, 5]); // the image's pages, and page 0's base
  });
});

describe('packPages with patches (a fork image)', () => {
  /** The image goes into bytes of its own (as when every fork-area slot is taken). */
  const noRoom = () => null;
  /** A base of `pages` pages of varied bytes, as a snapshot's memory is. */
  function varied(pages: number): Uint8Array {
    const bytes = new Uint8Array(pages * PAGE_BYTES);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + (i >> 12)) % 251;
    return bytes;
  }

  it('carry a page written in a few places as those places, and restore it exactly', () => {
    const base = varied(4);
    const source = new Uint8Array(5 * PAGE_BYTES + 12); // past the base, and a partial page
    source.set(base);
    source[PAGE_BYTES + 5] ^= 1; // page 1: two bytes, in two chunks
    source[PAGE_BYTES + 4000] ^= 1;
    source.fill(0, 2 * PAGE_BYTES, 3 * PAGE_BYTES); // page 2: every chunk differs, sent whole
    source[4 * PAGE_BYTES + 64] = 3; // page 4: past the base, one chunk against zero
    source[5 * PAGE_BYTES + 11] = 4; // the partial last page: whole
    const image = packPages(source, [0, 0], noRoom, { bytes: base }, true);
    expect([...image.pages]).toEqual([0, PATCHED, 1, 0, PATCHED, 1]);
    // Two patches of a mask (4 bytes) and their chunks (128 bytes each), a page, 12 bytes.
    expect(image.packed.length).toBe(4 + 2 * 128 + PAGE_BYTES + 4 + 128 + 12);
    // Unpatched, the same memory goes as whole pages: three and a bit.
    expect(packPages(source, [0, 0], undefined, { bytes: base }).packed.length).toBe(
      3 * PAGE_BYTES + 12,
    );

    // A child booted from the base and then wrote its own pages 1 and 4: a patch lands on the
    // base's page, so those are put back first.
    const target = new Uint8Array(6 * PAGE_BYTES);
    target.set(base);
    target[PAGE_BYTES + 100] = 99;
    target[4 * PAGE_BYTES + 8] = 1;
    unpackPages(target, image, 'unknown', { bytes: base });
    expect(target.subarray(0, source.length)).toEqual(source);

    // Going by a map of the child's changed pages instead of reading them.
    const mapped = new Uint8Array(6 * PAGE_BYTES);
    mapped.set(base);
    mapped[PAGE_BYTES + 100] = 99;
    unpackPages(mapped, image, Uint8Array.from([0, 1, 0, 0, 0, 0]), { bytes: base });
    expect(mapped.subarray(0, source.length)).toEqual(source);
  });

  it('by a map of the child’s changed pages, restore runs, patches and put-backs in any mix', () => {
    // A seeded generator: the same mixes every run.
    let seed = 7;
    const random = (n: number) => (
      (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0),
      (seed >>> 8) % n
    );
    for (let round = 0; round < 40; round++) {
      const pages = 24 + random(40);
      const base = varied(pages - random(4)); // the memory may run past the base
      const source = new Uint8Array(pages * PAGE_BYTES);
      source.set(base);
      for (let page = 0; page < pages; page++) {
        const kind = random(4); // the base's, a few bytes, rewritten whole, zero
        const at = page * PAGE_BYTES;
        if (kind === 1) source[at + random(PAGE_BYTES)] ^= 0x5a;
        if (kind === 2) for (let i = at; i < at + PAGE_BYTES; i++) source[i] = random(256);
        if (kind === 3) source.fill(0, at, at + PAGE_BYTES);
      }
      const unusedFrom = random(pages) * PAGE_BYTES; // a stack: no one reads it before writing
      const unused: [number, number] = [unusedFrom, unusedFrom + random(3) * PAGE_BYTES];
      const image = packPages(source, unused, noRoom, { bytes: base }, true);
      // The child booted from the base, then its boot changed some pages; its map may be short.
      const target = new Uint8Array(pages * PAGE_BYTES);
      target.set(base);
      const known = new Uint8Array(pages - random(3));
      for (let page = 0; page < pages; page++) {
        if (random(3) > 0) continue;
        target[page * PAGE_BYTES + random(PAGE_BYTES)] ^= 0x33;
        if (page < known.length) known[page] = 1;
      }
      const stack = target.slice(unused[0], unused[1]);
      unpackPages(target, image, known, { bytes: base });
      const expected = source.slice();
      expected.set(stack, unused[0]); // UNUSED pages are left as the target had them
      const differs = target.findIndex((byte, i) => byte !== expected[i]);
      expect(differs, `round ${round}: first byte that differs`).toBe(-1);
    }
  });

  it('leave a page the base has zero unread, and compare it with zero', () => {
    // The map says the base's page 1 is zero; its bytes say otherwise: were they read, every
    // chunk would differ and the page would go whole.
    const base = varied(3);
    const source = base.slice();
    source.fill(0, PAGE_BYTES, 2 * PAGE_BYTES);
    source[PAGE_BYTES + 40] = 8;
    const pages = Uint8Array.from([1, 0, 1]);
    const image = packPages(source, [0, 0], noRoom, { bytes: base, pages }, true);
    expect([...image.pages]).toEqual([0, PATCHED, 0]);
    expect(image.packed.length).toBe(4 + 128);
    const target = base.slice();
    target.fill(0, PAGE_BYTES, 2 * PAGE_BYTES); // the child's page, zero as the map says
    unpackPages(target, image, 'fresh', { bytes: base, pages });
    expect(target).toEqual(source);
  });
});

describe('encodePacked and decodePacked (how a snapshot is kept)', () => {
  it('keep an image as one buffer and give it back whole', () => {
    const original = memory(5, { 0: 1, 3: 4 }).subarray(0, 4 * PAGE_BYTES + 10);
    const kept = encodePacked(packPages(original));
    expect(kept.length).toBe(8 + 5 + 2 * PAGE_BYTES); // header, page map, the two pages
    const image = decodePacked(kept)!;
    const target = new Uint8Array(image.length);
    unpackPages(target, image, 'fresh');
    expect(target).toEqual(original);
  });

  it('refuse bytes that are not one: another format, damaged, or cut short', () => {
    const kept = encodePacked(packPages(memory(3, { 2: 5 })));
    expect(decodePacked(new TextEncoder().encode('not a snapshot'))).toBeNull();
    expect(decodePacked(kept.subarray(0, kept.length - 1))).toBeNull();
    const badMap = kept.slice();
    badMap[8] = 7; // a page map holds 0 or 1
    expect(decodePacked(badMap)).toBeNull();
    expect(decodePacked(kept.subarray(0, 6))).toBeNull();
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

describe('withSharedSnapshot', () => {
  /** A snapshot as Pyodide lays it out: a header whose second word is where memory starts. */
  function snapshotOf(mem: Uint8Array): Uint8Array {
    const shared = new Uint8Array(new SharedArrayBuffer(PAGE_BYTES + mem.length));
    new DataView(shared.buffer).setUint32(4, PAGE_BYTES, true);
    shared[8] = 42; // the rest of the header
    shared.set(mem, PAGE_BYTES);
    return shared;
  }
  /** What Pyodide's restore does with the snapshot it is given. */
  const restore = (target: Uint8Array) => async (snapshot: Uint8Array | null) => {
    const offset = new DataView(snapshot!.buffer).getUint32(4, true);
    target.set(snapshot!.subarray(offset));
    return snapshot!;
  };
  const mem = memory(4, { 1: 3 });

  it('restores from shared memory, sparsely, measuring the target once', async () => {
    const fresh = memory(4, { 2: 9 }); // what the runtime wrote before the restore
    const { loaded, written } = await withSharedSnapshot(snapshotOf(mem), null, restore(fresh));
    expect(fresh).toEqual(mem);
    expect([...written!]).toEqual([0, 0, 1, 0]);
    expect(loaded.buffer).not.toBeInstanceOf(SharedArrayBuffer); // Pyodide's own, unshared
    expect(loaded.byteLength).toBe(0); // and freed after the boot

    // The next boot goes by that map: what it does not mark is taken as zero, unread.
    const next = memory(4, { 2: 9, 3: 9 });
    const again = await withSharedSnapshot(snapshotOf(mem), written, restore(next));
    expect(again.written).toBeNull();
    expect(next[2 * PAGE_BYTES]).toBe(0);
    expect(next[3 * PAGE_BYTES]).toBe(9);
  });

  it('hands Pyodide the header, and fails a boot whose restore went another way', async () => {
    let header = 0;
    await expect(
      withSharedSnapshot(snapshotOf(mem), null, async (snapshot) => {
        header = snapshot![8];
        return snapshot;
      }),
    ).rejects.toThrow(/snapshot restore was not the one this boot knows/);
    expect(header).toBe(42);
  });

  it('leaves other copies alone, and restores TypedArray.prototype.set after', async () => {
    const set = Object.getPrototypeOf(Int8Array.prototype).set;
    const other = memory(2, { 0: 1 });
    const target = memory(4, { 1: 5 });
    await withSharedSnapshot(snapshotOf(mem), null, async (snapshot) => {
      target.set(other); // not the snapshot: a plain copy, page 1 zeroed
      restore(memory(4))(snapshot);
    });
    expect(target[PAGE_BYTES]).toBe(0);
    expect(Object.getPrototypeOf(Int8Array.prototype).set).toBe(set);
  });

  it('gives an unshared copy of a snapshot it cannot read, and none without one', async () => {
    const odd = new Uint8Array(new SharedArrayBuffer(8)).fill(1);
    const { loaded } = await withSharedSnapshot(odd, null, async (snapshot) => snapshot);
    expect([...loaded!]).toEqual([...odd]);
    expect(loaded!.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    expect((await withSharedSnapshot(null, null, async (s) => s)).loaded).toBeNull();
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
