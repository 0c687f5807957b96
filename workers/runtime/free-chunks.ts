/**
 * Zeroes the memory malloc holds free, before the snapshot is taken. Python frees much of what
 * its imports allocated (source read from the zip, compiler scratch), and those freed blocks
 * keep their old bytes: every process that restores the snapshot would write them in, and the
 * pages would stay resident. A page that is zero costs a restore nothing (sparse-copy.ts).
 *
 * Emscripten's malloc is dlmalloc, on one contiguous heap from `__heap_base` to the break: a
 * chain of chunks, each headed by two 32-bit words, the size of the chunk before it when that
 * one is free (`prev_foot`) and its own size with two flags; bit 0 (`PINUSE`) says whether the
 * chunk before is in use. A free chunk keeps its links in its first 24 bytes after the header
 * (a large one's tree links), and its size again in the next chunk's `prev_foot`; the last
 * chunk, the "top", is free space at the heap's end, followed by the segment's 40-byte record.
 * The walk checks the whole chain (sizes, footers, no two free chunks side by side, the exact
 * end) before it writes anything: a heap that is not laid out so is left as it is.
 */

const HEADER = 8;
/** The header and the links a free chunk keeps (a tree chunk's are the longest). */
const FREE_CHUNK_KEPT = 32;
const MIN_CHUNK = 16;
const PINUSE = 1;

export interface FreeMemory {
  /** Bytes set to zero, in the free chunks and the top. */
  zeroed: number;
  /** Free chunks found, the top among them. */
  chunks: number;
}

/** The free chunks of the heap `[base, end)` as [start, end of the bytes to zero) pairs, or
 * null when the heap is not a dlmalloc chain this walk understands. */
export function freeRanges(heap: Uint8Array, base: number, end: number): number[] | null {
  if (base % 8 !== 0 || end > heap.length || end <= base) return null;
  const words = new DataView(heap.buffer, heap.byteOffset, heap.byteLength);
  const ranges: number[] = [];
  let chunk = base;
  let previousFree = false;
  for (;;) {
    const size = words.getUint32(chunk + 4, true) & ~7;
    const next = chunk + size;
    if (size < MIN_CHUNK || next > end) return null;
    if (next === end) return previousFree ? ranges : null; // the segment's record, after the top
    const free = (words.getUint32(next + 4, true) & PINUSE) === 0;
    if (free) {
      if (previousFree) return null; // dlmalloc merges neighbours: not its heap
      const atTop = next + (words.getUint32(next + 4, true) & ~7) === end;
      // The top's size is in its own header only; any other free chunk's is in its footer too.
      if (!atTop && words.getUint32(next, true) !== size) return null;
      const from = chunk + (atTop ? HEADER : FREE_CHUNK_KEPT);
      if (next > from) ranges.push(from, next);
    }
    previousFree = free;
    chunk = next;
  }
}

/** Zeroes the free chunks of the heap `[base, end)`; nothing when the walk fails its checks. */
export function zeroFreeChunks(heap: Uint8Array, base: number, end: number): FreeMemory {
  const ranges = freeRanges(heap, base, end);
  if (!ranges) return { zeroed: 0, chunks: 0 };
  let zeroed = 0;
  for (let i = 0; i < ranges.length; i += 2) {
    heap.fill(0, ranges[i], ranges[i + 1]);
    zeroed += ranges[i + 1] - ranges[i];
  }
  return { zeroed, chunks: ranges.length / 2 };
}
