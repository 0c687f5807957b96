/** Zeroing malloc's free chunks before the snapshot: the walk, its checks, and the real heap. */
import { describe, expect, it } from 'vitest';
import { loadPyodide } from 'pyodide';
import { freeRanges, zeroFreeChunks } from '../../workers/runtime/free-chunks';

/** A dlmalloc-shaped heap: chunks given as [size, free], then the top and the segment record. */
function heapOf(chunks: [number, boolean][], top: number) {
  const total = chunks.reduce((sum, [size]) => sum + size, 0) + top + 40;
  const heap = new Uint8Array(total + 64).fill(0xab);
  const words = new DataView(heap.buffer);
  let at = 0;
  let previousInUse = true;
  const all: [number, boolean][] = [...chunks, [top, true], [40, false]];
  all.forEach(([size, free], i) => {
    const isTop = i === all.length - 2;
    words.setUint32(at + 4, size | (previousInUse ? 1 : 0) | (free ? 0 : 2), true);
    if (free && !isTop) words.setUint32(at + size, size, true); // the footer
    previousInUse = !free;
    at += size;
  });
  return { heap, end: at };
}

describe('freeRanges', () => {
  it('keeps each free chunk’s header and links, and the top’s header', () => {
    const { heap, end } = heapOf(
      [
        [24, false],
        [4160, true],
        [16, false],
        [16, true], // too small to hold anything past its links
        [32, false],
      ],
      8192,
    );
    expect(freeRanges(heap, 0, end)).toEqual([24 + 32, 24 + 4160, 4248 + 8, 4248 + 8192]);
    const before = heap.slice();
    expect(zeroFreeChunks(heap, 0, end)).toEqual({ zeroed: 4128 + 8184, chunks: 2 });
    // Nothing outside the ranges changed: headers, footers, chunks in use, the record.
    for (let i = 0; i < heap.length; i += 1) {
      const inRange = (i >= 56 && i < 4184) || (i >= 4256 && i < 12440);
      expect(heap[i]).toBe(inRange ? 0 : before[i]);
    }
  });

  it('writes nothing to a heap that is not a dlmalloc chain', () => {
    const ok = () =>
      heapOf(
        [
          [24, false],
          [64, true],
          [24, false],
        ],
        128,
      );
    const adjacentFree = heapOf(
      [
        [64, true],
        [64, true],
      ],
      128,
    );
    const badFooter = ok();
    new DataView(badFooter.heap.buffer).setUint32(24 + 64, 60, true);
    const shortEnd = ok();
    for (const [heap, end] of [
      [adjacentFree.heap, adjacentFree.end],
      [badFooter.heap, badFooter.end],
      [shortEnd.heap, shortEnd.end - 8],
      [ok().heap, ok().end + 8],
    ] as const) {
      const before = heap.slice();
      expect(freeRanges(heap, 0, end)).toBeNull();
      expect(zeroFreeChunks(heap, 0, end)).toEqual({ zeroed: 0, chunks: 0 });
      expect(heap).toEqual(before);
    }
  });
});

describe('zeroFreeChunks on Pyodide’s own heap', () => {
  it('finds the pinned Pyodide’s malloc as it expects, and Python runs on after', async () => {
    const py = await loadPyodide();
    const module = (
      py as unknown as {
        _module: { HEAPU8: Uint8Array; ___heap_base: number; _sbrk(n: number): number };
      }
    )._module;
    py.runPython('import multiprocessing.pool, asyncio, socket, selectors, json, gc; gc.collect()');
    const heap = module.HEAPU8;
    const end = module._sbrk(0);
    const zeroPages = () => {
      let zero = 0;
      for (let page = 0; page < end; page += 4096) {
        if (heap.subarray(page, page + 4096).every((b) => b === 0)) zero += 1;
      }
      return zero;
    };
    const before = zeroPages();
    const { zeroed, chunks } = zeroFreeChunks(heap, module.___heap_base, end);
    // Imports free megabytes in thousands of chunks; whole pages of it become zero.
    expect(chunks).toBeGreaterThan(1000);
    expect(zeroed).toBeGreaterThan(1_000_000);
    expect(zeroPages() - before).toBeGreaterThan(200);
    // The allocator's own records are intact: Python allocates and frees on as before.
    const result = py.runPython(`
import json, gc
data = [{"n": i, "s": str(i) * 50} for i in range(20000)]
text = json.dumps(data)
del data
gc.collect()
import email.parser, http.client
len(json.loads(text))
`);
    expect(result).toBe(20000);
    expect(freeRanges(module.HEAPU8, module.___heap_base, module._sbrk(0))).not.toBeNull();
  }, 60_000);
});
