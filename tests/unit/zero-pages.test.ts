/** The WebAssembly SIMD page test (runtime/zero-pages.ts) against the JavaScript reading. */
import { describe, expect, it } from 'vitest';
import {
  PAGE_BYTES,
  clearSparse,
  packPages,
  unpackPages,
  writtenPages,
} from '../../workers/runtime/sparse-copy';
import { zeroPageTest } from '../../workers/runtime/zero-pages';

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
    expect([...writtenPages(view, [0, 0], test)]).toEqual([...writtenPages(view)]);
    const image = packPages(view, [0, 0], undefined, test);
    expect(image.packed).toEqual(packPages(view).packed);

    const target = new WebAssembly.Memory({ initial: 2 });
    const targetBytes = new Uint8Array(target.buffer);
    targetBytes.fill(9, 5 * PAGE_BYTES, 8 * PAGE_BYTES); // pages the image has zero
    targetBytes.fill(4, 31 * PAGE_BYTES);
    unpackPages(targetBytes, image, false, zeroPageTest(target));
    expect(targetBytes.subarray(0, view.length)).toEqual(view);
    clearSparse(targetBytes, view.length, zeroPageTest(target));
    expect(targetBytes.subarray(view.length).every((byte) => byte === 0)).toBe(true);
  });
});
