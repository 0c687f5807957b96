/**
 * Whether a page of an interpreter's memory is all zero, read by WebAssembly SIMD. A fork reads
 * the parent's whole memory this way to pack it, and the child reads its own where the image
 * has a zero page: with a JavaScript loop over words that reading was most of a fork's time
 * (7.8 ms for 40 MiB, two pages in five written, on the development machine); 16 bytes a
 * load, with an exit at the first written block of 64, it takes 1.1 ms.
 *
 * The module is small enough to keep here as bytes; its text:
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
 */
import { PAGE_BYTES } from './sparse-copy';

const text = (name: string) => [name.length, ...[...name].map((c) => c.charCodeAt(0))];
/** A section: its id, its length (each here is under 128 bytes: one LEB128 byte), its bytes. */
const section = (id: number, bytes: number[]) => [id, bytes.length, ...bytes];
const load = (offset: number) => [0x20, 0x00, 0xfd, 0x00, 0x04, offset]; // local.get 0; v128.load
const OR = [0xfd, 0x50];
// prettier-ignore
const BODY = [
  0x00, // no locals
  0x03, 0x40, // loop
  ...load(0), ...load(16), ...OR, ...load(32), ...load(48), ...OR, ...OR,
  0xfd, 0x53, 0x04, 0x40, 0x41, 0x00, 0x0f, 0x0b, // v128.any_true; if: return 0
  0x20, 0x00, 0x41, 0xc0, 0x00, 0x6a, 0x21, 0x00, // $at += 64
  // br_if the loop while $at != $end: a page ending at 4 GiB has $end 0, as the i32 wraps
  0x20, 0x00, 0x20, 0x01, 0x47, 0x0d, 0x00,
  0x0b, 0x41, 0x01, 0x0b, // end loop; 1
];
const ZERO_MODULE = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
  ...section(1, [1, 0x60, 2, 0x7f, 0x7f, 1, 0x7f]), // one type: (i32, i32) -> i32
  ...section(2, [1, ...text('m'), ...text('memory'), 0x02, 0x00, 0x00]), // memory, at least 0
  ...section(3, [1, 0]), // one function, of that type
  ...section(7, [1, ...text('zero'), 0x00, 0]), // exported as "zero"
  ...section(10, [1, BODY.length, ...BODY]),
]);

/** Whether the whole page at `start` (a multiple of PAGE_BYTES) is zero. */
export type ZeroPageTest = (start: number) => boolean;

let compiled: WebAssembly.Module | null | undefined;
const tests = new WeakMap<WebAssembly.Memory, ZeroPageTest>();

/** The test for `memory`'s pages, or null where WebAssembly SIMD is missing (the caller reads
 * them in JavaScript). */
export function zeroPageTest(memory: WebAssembly.Memory): ZeroPageTest | null {
  if (compiled === undefined) {
    compiled = WebAssembly.validate(ZERO_MODULE) ? new WebAssembly.Module(ZERO_MODULE) : null;
  }
  if (!compiled) return null;
  let test = tests.get(memory);
  if (!test) {
    const { zero } = new WebAssembly.Instance(compiled, { m: { memory } }).exports as {
      zero(at: number, end: number): number;
    };
    test = (start) => zero(start, start + PAGE_BYTES) === 1;
    tests.set(memory, test);
  }
  return test;
}
