/** The WebAssembly SIMD zero-page test (runtime/page-tests.ts) against the JavaScript reading.
 * The test of pages against a base needs multi-memory, which Node 20 lacks: Chromium runs it
 * (tests/e2e/process.spec.ts, 'fork image pages'). */
import { describe, expect, it } from 'vitest';
import {
  PAGE_BYTES,
  clearSparse,
  packPages,
  unpackPages,
  writtenPages,
} from '../../workers/runtime/sparse-copy';
import { samePageTest, zeroPageTest } from '../../workers/runtime/page-tests';

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

  it('is null, not wrong, where the engine lacks multi-memory', () => {
    const base = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    const same = samePageTest(memory, base, 0);
    const multiMemory = WebAssembly.validate(
      new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 5, 2, 0, 0, 0, 0]), // two memories
    );
    expect(same === null).toBe(!multiMemory);
  });
});
