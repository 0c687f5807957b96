/** The WebAssembly SIMD zero-page test (runtime/page-tests.ts) against the JavaScript reading.
 * The test of pages against a base needs multi-memory, which Node 20 lacks: Chromium runs it
 * (tests/e2e/process.spec.ts, 'fork image pages'). */
import { describe, expect, it } from 'vitest';
import {
  PAGE_BYTES,
  PATCHED,
  clearSparse,
  packPages,
  unpackPages,
  writtenPages,
} from '../../workers/runtime/sparse-copy';
import { samePageTest, zeroChunkTest, zeroPageTest } from '../../workers/runtime/page-tests';

describe('zeroPageTest', () => {
  const memory = new WebAssembly.Memory({ initial: 2 }); // 32 pages of 4 KiB
  const bytes = new Uint8Array(memory.buffer);
  const test = zeroPageTest(memory)!;

  it('finds a written byte anywhere in a page, and none in a zero page', () => {
    expect(test).not.toBeNull();
    expect(zeroPageTest(memory)).toBe(test); // one instance a memory
    const offsets = [0, 1, 15, 16, 63, 64, 2047, 4031, 4032, 4095];
    offsets.forEach((offset, page) => (bytes[(page + 1) * PAGE_BYTES + offset] = 0x80));
    expect(test(0)).toBe(true);
    offsets.forEach((_, page) => expect(test((page + 1) * PAGE_BYTES)).toBe(false));
    expect(test((offsets.length + 1) * PAGE_BYTES)).toBe(true);
    expect(test(31 * PAGE_BYTES)).toBe(true); // the memory's last page
  });

  it('packs, unpacks and clears as the JavaScript reading does', () => {
    bytes.fill(0);
    for (let page = 0; page < 32; page += 3) bytes[page * PAGE_BYTES + ((page * 97) % 4096)] = page;
    const view = bytes.subarray(0, 30 * PAGE_BYTES + 100); // a memory's end need not be a page's
    bytes[30 * PAGE_BYTES + 50] = 7;
    expect([...writtenPages(view, [0, 0], { zero: test })]).toEqual([...writtenPages(view)]);
    const image = packPages(view, [0, 0], undefined, { zero: test });
    expect(image.packed).toEqual(packPages(view).packed);

    const target = new WebAssembly.Memory({ initial: 2 });
    const targetBytes = new Uint8Array(target.buffer);
    targetBytes.fill(9, 5 * PAGE_BYTES, 8 * PAGE_BYTES); // pages the image has zero
    targetBytes.fill(4, 31 * PAGE_BYTES);
    unpackPages(targetBytes, image, 'unknown', { zero: zeroPageTest(target) });
    expect(targetBytes.subarray(0, view.length)).toEqual(view);
    clearSparse(targetBytes, view.length, zeroPageTest(target));
    expect(targetBytes.subarray(view.length).every((byte) => byte === 0)).toBe(true);
  });

  it('reads chunks as the JavaScript reading does: a patched image from it is the same', () => {
    bytes.fill(0);
    const chunks = zeroChunkTest(memory)!;
    expect(chunks).not.toBeNull();
    expect(zeroChunkTest(memory)).toBe(chunks); // one instance a memory
    // Page 1: the first and last bytes of chunks 0, 5 and 31; page 2 wholly written.
    for (const at of [0, 5 * 128 + 127, 31 * 128, 4095]) bytes[PAGE_BYTES + at] = 1;
    bytes.fill(3, 2 * PAGE_BYTES, 3 * PAGE_BYTES);
    expect(chunks(0)).toBe(0);
    expect(chunks(PAGE_BYTES) >>> 0).toBe((1 | (1 << 5) | (1 << 31)) >>> 0);
    expect(chunks(2 * PAGE_BYTES)).toBe(-1); // all 32
    const view = bytes.subarray(0, 4 * PAGE_BYTES);
    const noRoom = () => null;
    const image = packPages(view, [0, 0], noRoom, { zero: test, zeroChunks: chunks }, true);
    expect(image.packed).toEqual(packPages(view, [0, 0], noRoom, {}, true).packed);
    expect([...image.pages]).toEqual([0, PATCHED, 1, 0]);
    const target = new Uint8Array(view.length);
    unpackPages(target, image, 'fresh');
    expect(target).toEqual(view);
  });

  it('is null, not wrong, where the engine lacks multi-memory', () => {
    const base = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    const same = samePageTest(memory, base, 0);
    const multiMemory = WebAssembly.validate(
      new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 5, 2, 0, 0, 0, 0]), // two memories
    );
    expect(same === null).toBe(!multiMemory);
  });
});
