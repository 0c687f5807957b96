/**
 * A fork image's patches (page-patches.ts) written into the fork area and read out of it by
 * WebAssembly, one call a page. The fork area is in the snapshot's shared memory, after the
 * snapshot (ipc/fork-area.ts): one memory besides the process's own holds both the slots and
 * the pages a patch lands on. In JavaScript each chunk copy makes a view and calls `set`:
 * in a child, whose worker has run none of that code, applying an image's 1,600 patches took
 * 8.7 ms against 4.6 for whole pages (median of a burst of eight). WebAssembly runs compiled
 * from its first call, and `memory.copy` between two memories (multi-memory) needs no view.
 *
 * The modules' text:
 *
 *   (module                                  ;; the parent's side
 *     (import "m" "memory" (memory 0))       ;; the parent's memory
 *     (import "m" "base" (memory 0 65536 shared)) ;; the snapshot's, with the fork area
 *     (func (export "write") (param $from i32) (param $mask i32) (param $to i32) (result i32)
 *       (local $at i32)
 *       (i32.store 1 (local.get $to) (local.get $mask))
 *       (local.set $at (i32.add (local.get $to) (i32.const 4)))
 *       (block $done (loop $chunks           ;; the mask's chunks, lowest first
 *         (br_if $done (i32.eqz (local.get $mask)))
 *         (memory.copy 1 0 (local.get $at)
 *           (i32.add (local.get $from) (i32.shl (i32.ctz (local.get $mask)) (i32.const 7)))
 *           (i32.const 128))
 *         (local.set $at (i32.add (local.get $at) (i32.const 128)))
 *         (local.set $mask (i32.and (local.get $mask) (i32.sub (local.get $mask) (i32.const 1))))
 *         (br $chunks)))
 *       (i32.sub (local.get $at) (local.get $to)))
 *
 *   (module                                  ;; the child's side
 *     (import "m" "memory" (memory 0))       ;; the child's memory
 *     (import "m" "base" (memory 0 65536 shared))
 *     (func (export "apply") (param $to i32) (param $from i32) (param $putBack i32) (result i32)
 *       (local $mask i32) (local $at i32)
 *       ;; first the base's page, where the child's own differs: from the base, or zero (-2)
 *       (if (i32.ge_s (local.get $putBack) (i32.const 0))
 *         (then (memory.copy 0 1 (local.get $to) (local.get $putBack) (i32.const 4096))))
 *       (if (i32.eq (local.get $putBack) (i32.const -2))
 *         (then (memory.fill 0 (local.get $to) (i32.const 0) (i32.const 4096))))
 *       (local.set $mask (i32.load 1 (local.get $from)))
 *       (local.set $at (i32.add (local.get $from) (i32.const 4)))
 *       (block $done (loop $chunks
 *         (br_if $done (i32.eqz (local.get $mask)))
 *         (memory.copy 0 1
 *           (i32.add (local.get $to) (i32.shl (i32.ctz (local.get $mask)) (i32.const 7)))
 *           (local.get $at) (i32.const 128))
 *         (local.set $at (i32.add (local.get $at) (i32.const 128)))
 *         (local.set $mask (i32.and (local.get $mask) (i32.sub (local.get $mask) (i32.const 1))))
 *         (br $chunks)))
 *       (i32.sub (local.get $at) (local.get $from)))
 */
import {
  BLOCK,
  END,
  LOOP,
  get,
  i32,
  instanceOf,
  memarg,
  memoryImport,
  module,
  set,
} from './wasm-kit';

const I32_ADD = 0x6a;
const I32_SUB = 0x6b;
const I32_AND = 0x71;
const I32_SHL = 0x74;
const I32_CTZ = 0x68;
const I32_EQZ = 0x45;
const I32_EQ = 0x46;
const I32_GE_S = 0x4e;
const I32_LOAD = 0x28;
const I32_STORE = 0x36;
const IF = [0x04, 0x40];
/** memory.fill of memory `memory` (dest, value, length on the stack). */
const fill = (memory: number) => [0xfc, 0x0b, memory];
/** memory.copy from memory `from` to memory `to` (dest, source, length on the stack). */
const copy = (to: number, from: number) => [0xfc, 0x0a, to, from];

/** The chunk loop: while `$mask` has bits, copy chunk ctz(mask) (of page `$page`) from or to
 * `$at`, 128 bytes on, and clear the bit. */
const chunkLoop = (mask: number, at: number, page: number, toArea: boolean) => {
  const chunk = [...get(page), ...get(mask), I32_CTZ, ...i32(7), I32_SHL, I32_ADD];
  const ends = toArea ? [...get(at), ...chunk] : [...chunk, ...get(at)];
  return [
    ...BLOCK,
    ...LOOP,
    ...get(mask),
    I32_EQZ,
    ...[0x0d, 1], // br_if $done
    ...ends,
    ...i32(128),
    ...(toArea ? copy(1, 0) : copy(0, 1)),
    ...get(at),
    ...i32(128),
    I32_ADD,
    ...set(at),
    ...get(mask),
    ...get(mask),
    ...i32(1),
    I32_SUB,
    I32_AND,
    ...set(mask),
    ...[0x0c, 0], // br $chunks
    END,
    END,
  ];
};

const MEMORY = memoryImport('memory', false);
const BASE = memoryImport('base', true);

// write($from 0, $mask 1, $to 2), $at 3
// prettier-ignore
export const PATCH_WRITE_MODULE = module(3, [MEMORY, BASE], 'write', [
  ...get(2), ...get(1), I32_STORE, ...memarg(1, 0),
  ...get(2), ...i32(4), I32_ADD, ...set(3),
  ...chunkLoop(1, 3, 0, true),
  ...get(3), ...get(2), I32_SUB,
], 1);

// apply($to 0, $from 1, $putBack 2), $mask 3, $at 4
// prettier-ignore
export const PATCH_APPLY_MODULE = module(3, [MEMORY, BASE], 'apply', [
  ...get(2), ...i32(0), I32_GE_S, ...IF, ...get(0), ...get(2), ...i32(4096), ...copy(0, 1), END,
  ...get(2), 0x41, 0x7e /* -2 */, I32_EQ, ...IF, ...get(0), ...i32(0), ...i32(4096), ...fill(0), END,
  ...get(1), I32_LOAD, ...memarg(1, 0), ...set(3),
  ...get(1), ...i32(4), I32_ADD, ...set(4),
  ...chunkLoop(3, 4, 0, false),
  ...get(4), ...get(1), I32_SUB,
], 2);

/** Writes the patch of the page at `from` (its mask `mask`) at `to` in the area; returns its
 * bytes. */
export type PatchWrite = (from: number, mask: number, to: number) => number;
/** Applies the patch at `from` in the area to the page at `to`, having first put back the
 * base's page from `putBack` (-1: none, the page is the base's; -2: a zero page); returns the
 * patch's bytes. */
export type PatchApply = (to: number, from: number, putBack: number) => number;
/** Where `putBack` says the page is the base's already, or zero. */
export const PUT_NOTHING_BACK = -1;
export const PUT_ZERO_BACK = -2;

/** The copies of patches between a memory and the fork area in `base`'s memory (the snapshot's):
 * what pack and unpack use for the images there. */
export interface AreaPatches {
  buffer: ArrayBufferLike;
  write: PatchWrite;
  apply: PatchApply;
}

/** The patch copies for `memory` and `base`, or null where the engine lacks multi-memory. */
export function areaPatches(
  memory: WebAssembly.Memory,
  base: WebAssembly.Memory,
): AreaPatches | null {
  const write = instanceOf(
    PATCH_WRITE_MODULE,
    memory,
    { base },
    0,
    (exports: { write: PatchWrite }) => exports.write,
  );
  const apply = instanceOf(
    PATCH_APPLY_MODULE,
    memory,
    { base },
    0,
    (exports: { apply: PatchApply }) => exports.apply,
  );
  return write && apply ? { buffer: base.buffer, write, apply } : null;
}
