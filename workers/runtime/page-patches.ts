/**
 * Most pages a fork's parent wrote since its snapshot differ from the snapshot in a few places:
 * reference counts, the collector's links, a pointer. In a pool parent 1,635 pages differed,
 * 1,140 of them in at most 32 words; carried whole they made an image of 6.4 MB, their
 * 128-byte chunks that differ 1.3 MB. Such a page can travel as a patch: a mask of its chunks
 * that differ (32 bits, one word, little-endian), then those chunks in order.
 *
 * Every fork image is packed so. In the fork area the patches are written and applied by
 * WebAssembly (patch-copies.ts); the functions here are the JavaScript way, for an image that
 * goes by message (its bytes are no WebAssembly memory) and where multi-memory is missing.
 *
 * Chunks are copied a run of them at a time with `set`, not a word at a time: unoptimised, a
 * loop over words costs more than the copy.
 */
import type { ChunkTest } from './page-tests';

const PAGE_BYTES = 4096; // sparse-copy.ts's (imported from there it would be a cycle)
const CHUNK_BYTES = PAGE_BYTES / 32;
const MASK_BYTES = 4;
/** A patch larger than this goes as the whole page: past it the mask and the scattered copies
 * save too little. */
const MOST_PATCH_BYTES = (PAGE_BYTES * 3) / 4;

/**
 * The patch of page `page` of `memory` against `base` (null: a zero page), as a mask stored in
 * `masks[page]`; returns the patch's length in bytes, or 0 where the page is better sent whole.
 * `test` reads the chunks by WebAssembly SIMD, if given: it must be the one for that base.
 */
export function patchOf(
  memory: Uint8Array,
  base: Uint8Array | null,
  page: number,
  masks: Uint32Array,
  test: ChunkTest | null,
): number {
  const mask = test ? test(page * PAGE_BYTES) : chunkMask(memory, base, page * PAGE_BYTES);
  masks[page] = mask;
  const bytes = patchLength(mask);
  return bytes > MOST_PATCH_BYTES ? 0 : bytes;
}

/** The bytes of a patch with mask `mask`. */
export function patchLength(mask: number): number {
  return MASK_BYTES + bitCount(mask) * CHUNK_BYTES;
}

/** Which of the page's 32 chunks from byte `at` differ, read in JavaScript. */
function chunkMask(memory: Uint8Array, base: Uint8Array | null, at: number): number {
  let mask = 0;
  for (let bit = 0; bit < 32; bit++, at += CHUNK_BYTES) {
    for (let i = at; i < at + CHUNK_BYTES; i++) {
      if (memory[i] !== (base ? base[i] : 0)) {
        mask |= 1 << bit;
        break;
      }
    }
  }
  return mask;
}

function bitCount(mask: number): number {
  let count = 0;
  for (let bits = mask >>> 0; bits !== 0; bits &= bits - 1) count++;
  return count;
}

/** Writes page `page`'s patch (its mask `mask`) into `packed` at `at`; returns the bytes
 * written. */
export function writePatch(
  memory: Uint8Array,
  page: number,
  mask: number,
  packed: Uint8Array,
  at: number,
): number {
  const from = at;
  for (let i = 0; i < MASK_BYTES; i++) packed[at++] = (mask >>> (8 * i)) & 0xff;
  forEachRun(mask, page, (start, end) => {
    packed.set(memory.subarray(start, end), at);
    at += end - start;
  });
  return at - from;
}

/** Writes the patch at `at` of `packed` onto page `page` of `target` (which holds the base's
 * page); returns the bytes read. */
export function applyPatch(
  target: Uint8Array,
  page: number,
  packed: Uint8Array,
  at: number,
): number {
  const from = at;
  let mask = 0;
  for (let i = 0; i < MASK_BYTES; i++) mask |= packed[at++] << (8 * i);
  forEachRun(mask, page, (start, end) => {
    target.set(packed.subarray(at, at + end - start), start);
    at += end - start;
  });
  return at - from;
}

/** Calls `run(start, end)` for each run of chunks `mask` marks in page `page`, in order. */
function forEachRun(mask: number, page: number, run: (start: number, end: number) => void) {
  for (let bit = 0; bit < 32;) {
    if (((mask >>> bit) & 1) === 0) {
      bit++;
      continue;
    }
    const first = bit;
    while (bit < 32 && ((mask >>> bit) & 1) === 1) bit++;
    run(page * PAGE_BYTES + first * CHUNK_BYTES, page * PAGE_BYTES + bit * CHUNK_BYTES);
  }
}
