/**
 * Page tests for an interpreter's memory, read by WebAssembly SIMD: whether a page is zero, and
 * whether it equals the same page of another memory (the snapshot every process boots from). A
 * fork reads the parent's whole memory so to pack it, and the child reads its own to restore
 * it: with a JavaScript loop over words the zero test alone was most of a fork's time (7.8 ms
 * for 40 MiB, two pages in five written, on the development machine); 16 bytes a load, with an
 * exit at the first block of 64 that differs, it takes 1.1 ms.
 *
 * The modules are small enough to keep here as bytes; their text:
 *
 *   (module
 *     (import "m" "memory" (memory 0))
 *     (func (export "zero") (param $at i32) (param $end i32) (result i32)
 *       (loop $blocks                       ;; 64 bytes a turn; $end - $at a multiple of 64
 *         (if (v128.any_true (v128.or
 *               (v128.or (v128.load offset=0 (local.get $at)) (v128.load offset=16 (local.get $at)))
 *               (v128.or (v128.load offset=32 (local.get $at)) (v128.load offset=48 (local.get $at)))))
 *           (then (return (i32.const 0))))
 *         (local.set $at (i32.add (local.get $at) (i32.const 64)))
 *         (br_if $blocks (i32.ne (local.get $at) (local.get $end))))
 *       (i32.const 1)))
 *
 *   (module                                 ;; multi-memory: the interpreter's and the base's
 *     (import "m" "memory" (memory 0))
 *     (import "m" "base" (memory 0 65536 shared))
 *     (func (export "same") (param $at i32) (param $from i32) (param $end i32) (result i32)
 *       (loop $blocks
 *         (if (v128.any_true (v128.or
 *               (v128.or (v128.xor (v128.load 0 offset=0 (local.get $at))
 *                                  (v128.load 1 offset=0 (local.get $from)))
 *                        (v128.xor (v128.load 0 offset=16 …) (v128.load 1 offset=16 …)))
 *               (v128.or (v128.xor … offset=32 …) (v128.xor … offset=48 …))))
 *           (then (return (i32.const 0))))
 *         (local.set $at (i32.add (local.get $at) (i32.const 64)))
 *         (local.set $from (i32.add (local.get $from) (i32.const 64)))
 *         (br_if $blocks (i32.ne (local.get $at) (local.get $end))))
 *       (i32.const 1)))
 *
 * Loops end at `$at == $end`, not `$at < $end`: a page ending at 4 GiB has an i32 end of 0.
 */
import { END, LOOP, instanceOf, memoryImport, module } from './wasm-kit';

const PAGE = 4096; // sparse-copy.ts's PAGE_BYTES (imported from there it would be a cycle)

/** `v128.load offset` at local `local`, from memory 0 or (multi-memory's memarg) memory 1. */
const load = (local: number, offset: number, memory: 0 | 1 = 0) =>
  memory === 0
    ? [0x20, local, 0xfd, 0x00, 0x04, offset]
    : [0x20, local, 0xfd, 0x00, 0x44, 0x01, offset];
const OR = [0xfd, 0x50];
const XOR = [0xfd, 0x51];
const diff = (offset: number) => [...load(0, offset), ...load(1, offset, 1), ...XOR];
const add64 = (local: number) => [0x20, local, 0x41, 0xc0, 0x00, 0x6a, 0x21, local];
const IF_ANY_RETURN_0 = [0xfd, 0x53, 0x04, 0x40, 0x41, 0x00, 0x0f, 0x0b];
const BR_IF_AT_NOT_END = (end: number) => [0x20, 0x00, 0x20, end, 0x47, 0x0d, 0x00];
/** A loop of `body` that ends by returning 1. */
const loopThen1 = (body: number[]) => [...LOOP, ...body, END, 0x41, 0x01];

const MEMORY_IMPORT = memoryImport('memory', false);
const BASE_IMPORT = memoryImport('base', true);

// prettier-ignore
const ZERO_MODULE = module(2, [MEMORY_IMPORT], 'zero', loopThen1([
  ...load(0, 0), ...load(0, 16), ...OR, ...load(0, 32), ...load(0, 48), ...OR, ...OR,
  ...IF_ANY_RETURN_0, ...add64(0), ...BR_IF_AT_NOT_END(1),
]));
// prettier-ignore
export const SAME_MODULE = module(3, [MEMORY_IMPORT, BASE_IMPORT], 'same', loopThen1([
  ...diff(0), ...diff(16), ...OR, ...diff(32), ...diff(48), ...OR, ...OR,
  ...IF_ANY_RETURN_0, ...add64(0), ...add64(1), ...BR_IF_AT_NOT_END(2),
]));

/** One turn of a chunk loop: the chunk's flag (on the stack) shifted to bit `$bit` is or-ed into
 * `$mask`, each address local moves on a chunk (128 bytes), and the loop goes on for 32. */
const chunkTurn = (mask: number, bit: number, addresses: number[]) => [
  ...[0x20, bit, 0x74, 0x20, mask, 0x72, 0x21, mask], // mask |= flag << bit
  ...addresses.flatMap((local) => [0x20, local, 0x41, 0x80, 0x01, 0x6a, 0x21, local]), // += 128
  ...[0x20, bit, 0x41, 0x01, 0x6a, 0x22, bit, 0x41, 0x20, 0x47, 0x0d, 0x00], // ++bit != 32
];
const ANY_TRUE = [0xfd, 0x53];
/** The 128 bytes of a chunk or-ed into one v128: `part(offset)` pushes 16 of them. */
const wholeChunk = (part: (offset: number) => number[]) => [
  ...part(0),
  ...[16, 32, 48, 64, 80, 96, 112].flatMap((offset) => [...part(offset), ...OR]),
];
// prettier-ignore
export const ZERO_CHUNKS_MODULE = module(1, [MEMORY_IMPORT], 'chunks', [
  ...LOOP, ...wholeChunk((offset) => load(0, offset)), ...ANY_TRUE, ...chunkTurn(1, 2, [0]), END,
  0x20, 1,
], 2);
// prettier-ignore
export const SAME_CHUNKS_MODULE = module(2, [MEMORY_IMPORT, BASE_IMPORT], 'chunks', [
  ...LOOP, ...wholeChunk(diff), ...ANY_TRUE, ...chunkTurn(2, 3, [0, 1]), END,
  0x20, 2,
], 2);

/** Whether the whole page at `start` (a multiple of the page size) is zero, or equal to the
 * base's. */
export type PageTest = (start: number) => boolean;

/** The zero test for `memory`'s pages, or null where WebAssembly SIMD is missing (the caller
 * reads them in JavaScript). */
export function zeroPageTest(memory: WebAssembly.Memory): PageTest | null {
  return instanceOf(
    ZERO_MODULE,
    memory,
    {},
    0,
    ({ zero }: { zero(at: number, end: number): number }) =>
      (start: number) =>
        zero(start, start + PAGE) === 1,
  );
}

/** Whether `memory`'s page at `start` equals the page at `start + offset` of `base` (a shared
 * memory), or null where multi-memory or SIMD is missing. */
export function samePageTest(
  memory: WebAssembly.Memory,
  base: WebAssembly.Memory,
  offset: number,
): PageTest | null {
  return instanceOf(
    SAME_MODULE,
    memory,
    { base },
    offset,
    ({ same }: { same(at: number, from: number, end: number): number }) =>
      (start: number) =>
        same(start, start + offset, start + PAGE) === 1,
  );
}

/** A mask of which of the 32 chunks (128 bytes each) of the page at `start` differ from the
 * base's (bit 0 the first): what a fork sends of a page it patches (page-patches.ts). */
export type ChunkTest = (start: number) => number;

/** The chunks of `memory` that are not zero, or null where SIMD is missing. */
export function zeroChunkTest(memory: WebAssembly.Memory): ChunkTest | null {
  return instanceOf(
    ZERO_CHUNKS_MODULE,
    memory,
    {},
    0,
    ({ chunks }: { chunks(at: number): number }) => chunks,
  );
}

/** The chunks of `memory` that differ from `base`'s at `offset` further on, or null where
 * multi-memory or SIMD is missing. */
export function sameChunkTest(
  memory: WebAssembly.Memory,
  base: WebAssembly.Memory,
  offset: number,
): ChunkTest | null {
  return instanceOf(
    SAME_CHUNKS_MODULE,
    memory,
    { base },
    offset,
    ({ chunks }: { chunks(at: number, from: number): number }) =>
      (start: number) =>
        chunks(start, start + offset),
  );
}
