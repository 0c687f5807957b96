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
const PAGE = 4096; // sparse-copy.ts's PAGE_BYTES (imported from there it would be a cycle)

const text = (name: string) => [name.length, ...[...name].map((c) => c.charCodeAt(0))];
/** An unsigned LEB128 number, as sizes are written (those here are under 16,384). */
const size = (n: number) => (n < 128 ? [n] : [(n & 0x7f) | 0x80, n >> 7]);
/** A section: its id, its length, its bytes. */
const section = (id: number, bytes: number[]) => [id, ...size(bytes.length), ...bytes];
const I32 = 0x7f;
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
const END_LOOP_RETURN_1 = [0x0b, 0x41, 0x01, 0x0b];

function module(
  params: number,
  imports: number[][],
  name: string,
  body: number[],
  locals = 0,
): Uint8Array<ArrayBuffer> {
  // `locals` i32 locals; without them the body is a loop that ends by returning 1.
  const code = locals
    ? [0x01, locals, I32, ...body, 0x0b]
    : [0x00, 0x03, 0x40, ...body, ...END_LOOP_RETURN_1];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    ...section(1, [1, 0x60, params, ...Array<number>(params).fill(I32), 1, I32]),
    ...section(2, [imports.length, ...imports.flat()]),
    ...section(3, [1, 0]), // one function, of that type
    ...section(7, [1, ...text(name), 0x00, 0]),
    ...section(10, [1, ...size(code.length), ...code]),
  ]);
}

const MEMORY_IMPORT = [...text('m'), ...text('memory'), 0x02, 0x00, 0x00]; // at least 0 pages
// Shared, 0 to 65536 pages: a shared memory's import must say so, and give a maximum.
const BASE_IMPORT = [...text('m'), ...text('base'), 0x02, 0x03, 0x00, 0x80, 0x80, 0x04];

// prettier-ignore
const ZERO_MODULE = module(2, [MEMORY_IMPORT], 'zero', [
  ...load(0, 0), ...load(0, 16), ...OR, ...load(0, 32), ...load(0, 48), ...OR, ...OR,
  ...IF_ANY_RETURN_0, ...add64(0), ...BR_IF_AT_NOT_END(1),
]);
// prettier-ignore
export const SAME_MODULE = module(3, [MEMORY_IMPORT, BASE_IMPORT], 'same', [
  ...diff(0), ...diff(16), ...OR, ...diff(32), ...diff(48), ...OR, ...OR,
  ...IF_ANY_RETURN_0, ...add64(0), ...add64(1), ...BR_IF_AT_NOT_END(2),
]);

/** One turn of a chunk loop: the chunk's flag (on the stack) shifted to bit `$bit` is or-ed into
 * `$mask`, each address local moves on a chunk (128 bytes), and the loop goes on for 32. */
const chunkTurn = (mask: number, bit: number, addresses: number[]) => [
  ...[0x20, bit, 0x74, 0x20, mask, 0x72, 0x21, mask], // mask |= flag << bit
  ...addresses.flatMap((local) => [0x20, local, 0x41, 0x80, 0x01, 0x6a, 0x21, local]), // += 128
  ...[0x20, bit, 0x41, 0x01, 0x6a, 0x22, bit, 0x41, 0x20, 0x47, 0x0d, 0x00], // ++bit != 32
];
const ANY_TRUE = [0xfd, 0x53];
const LOOP = [0x03, 0x40];
/** The 128 bytes of a chunk or-ed into one v128: `part(offset)` pushes 16 of them. */
const wholeChunk = (part: (offset: number) => number[]) => [
  ...part(0),
  ...[16, 32, 48, 64, 80, 96, 112].flatMap((offset) => [...part(offset), ...OR]),
];
// prettier-ignore
export const ZERO_CHUNKS_MODULE = module(1, [MEMORY_IMPORT], 'chunks', [
  ...LOOP, ...wholeChunk((offset) => load(0, offset)), ...ANY_TRUE, ...chunkTurn(1, 2, [0]), 0x0b,
  0x20, 1,
], 2);
// prettier-ignore
export const SAME_CHUNKS_MODULE = module(2, [MEMORY_IMPORT, BASE_IMPORT], 'chunks', [
  ...LOOP, ...wholeChunk(diff), ...ANY_TRUE, ...chunkTurn(2, 3, [0, 1]), 0x0b,
  0x20, 2,
], 2);

/** Whether the whole page at `start` (a multiple of the page size) is zero, or equal to the
 * base's. */
export type PageTest = (start: number) => boolean;

const compiled = new Map<Uint8Array<ArrayBuffer>, WebAssembly.Module | null>();

/** The module, or null where this engine lacks what it uses (SIMD; multi-memory). */
function compile(bytes: Uint8Array<ArrayBuffer>): WebAssembly.Module | null {
  if (!compiled.has(bytes)) {
    compiled.set(bytes, WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null);
  }
  return compiled.get(bytes)!;
}

/** The tests made, by memory and module: one instance each, kept while the memory lives. */
const made = new WeakMap<
  WebAssembly.Memory,
  Map<Uint8Array, { base: WebAssembly.Memory | null; offset: number; test: unknown }>
>();

/** `wrap` of the exports of `bytes` instantiated on `memory` (and `base`, a shared memory, read
 * `offset` bytes further on), or null where the engine lacks what the module uses. */
function testOf<Test, Exports>(
  bytes: Uint8Array<ArrayBuffer>,
  memory: WebAssembly.Memory,
  base: WebAssembly.Memory | null,
  offset: number,
  wrap: (exports: Exports) => Test,
): Test | null {
  const module = compile(bytes);
  if (!module) return null;
  const byModule = made.get(memory) ?? new Map();
  made.set(memory, byModule);
  const kept = byModule.get(bytes);
  if (kept?.base === base && kept.offset === offset) return kept.test as Test;
  const memories: WebAssembly.ModuleImports = base ? { memory, base } : { memory };
  const exports = new WebAssembly.Instance(module, { m: memories }).exports as Exports;
  const test = wrap(exports);
  byModule.set(bytes, { base, offset, test });
  return test;
}

/** The zero test for `memory`'s pages, or null where WebAssembly SIMD is missing (the caller
 * reads them in JavaScript). */
export function zeroPageTest(memory: WebAssembly.Memory): PageTest | null {
  return testOf(
    ZERO_MODULE,
    memory,
    null,
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
  return testOf(
    SAME_MODULE,
    memory,
    base,
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
  return testOf(
    ZERO_CHUNKS_MODULE,
    memory,
    null,
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
  return testOf(
    SAME_CHUNKS_MODULE,
    memory,
    base,
    offset,
    ({ chunks }: { chunks(at: number, from: number): number }) =>
      (start: number) =>
        chunks(start, start + offset),
  );
}
