/**
 * Small WebAssembly functions written as bytes, for the page work of snapshots and forks
 * (page-tests.ts, patch-copies.ts): the encoding helpers, and one instance per module and
 * memory. They are small enough to keep as bytes; each module's text is beside it.
 */

export const text = (name: string) => [name.length, ...[...name].map((c) => c.charCodeAt(0))];
/** An unsigned LEB128 number, as sizes are written (those here are under 16,384). */
export const size = (n: number) => (n < 128 ? [n] : [(n & 0x7f) | 0x80, n >> 7]);
/** A section: its id, its length, its bytes. */
const section = (id: number, bytes: number[]) => [id, ...size(bytes.length), ...bytes];
const I32 = 0x7f;
export const LOOP = [0x03, 0x40];
export const BLOCK = [0x02, 0x40];
export const END = 0x0b;
export const get = (local: number) => [0x20, local];
export const set = (local: number) => [0x21, local];
/** `i32.const n` for 0 ≤ n < 8,192 (signed LEB128). */
export const i32 = (n: number) => (n < 64 ? [0x41, n] : [0x41, (n & 0x7f) | 0x80, n >> 7]);
/** A memory operation's memarg (alignment 1) on memory `memory`: multi-memory's form past 0. */
export const memarg = (memory: number, offset: number) =>
  memory === 0 ? [0x00, offset] : [0x40, memory, offset];

/** The memory `m.<name>` a module imports: its own (any, unshared), or shared with up to 4 GiB
 * (a shared memory's import must say so, and give a maximum). */
export const memoryImport = (name: string, shared: boolean) => [
  ...text('m'),
  ...text(name),
  ...(shared ? [0x02, 0x03, 0x00, 0x80, 0x80, 0x04] : [0x02, 0x00, 0x00]),
];

/** A module of one exported function `name` of `params` i32 parameters that returns an i32,
 * with `locals` more i32 locals and body `body`. */
export function module(
  params: number,
  imports: number[][],
  name: string,
  body: number[],
  locals = 0,
): Uint8Array<ArrayBuffer> {
  const code = [...(locals ? [0x01, locals, I32] : [0x00]), ...body, END];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    ...section(1, [1, 0x60, params, ...Array<number>(params).fill(I32), 1, I32]),
    ...section(2, [imports.length, ...imports.flat()]),
    ...section(3, [1, 0]), // one function, of that type
    ...section(7, [1, ...text(name), 0x00, 0]),
    ...section(10, [1, ...size(code.length), ...code]),
  ]);
}

const compiled = new Map<Uint8Array<ArrayBuffer>, WebAssembly.Module | null>();

/** The module, or null where this engine lacks what it uses (SIMD; multi-memory). */
function compile(bytes: Uint8Array<ArrayBuffer>): WebAssembly.Module | null {
  if (!compiled.has(bytes)) {
    compiled.set(bytes, WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null);
  }
  return compiled.get(bytes)!;
}

/** The functions made, by memory and module: one instance each, kept while the memory lives. */
const made = new WeakMap<
  WebAssembly.Memory,
  Map<Uint8Array, { others: WebAssembly.Memory[]; offset: number; made: unknown }>
>();

/** `wrap` of the exports of `bytes` instantiated on `memory` and `others` (the module's further
 * memories, by name in import order), made once for each; `offset` is what `wrap` was made
 * for. Null where the engine lacks what the module uses. */
export function instanceOf<Made, Exports>(
  bytes: Uint8Array<ArrayBuffer>,
  memory: WebAssembly.Memory,
  others: Record<string, WebAssembly.Memory>,
  offset: number,
  wrap: (exports: Exports) => Made,
): Made | null {
  const module = compile(bytes);
  if (!module) return null;
  const byModule = made.get(memory) ?? new Map();
  made.set(memory, byModule);
  const kept = byModule.get(bytes);
  const memories = Object.values(others);
  const same = (list: WebAssembly.Memory[]) =>
    list.length === memories.length && list.every((other, i) => other === memories[i]);
  if (kept && same(kept.others) && kept.offset === offset) return kept.made as Made;
  const imports: WebAssembly.ModuleImports = { memory, ...others };
  const exports = new WebAssembly.Instance(module, { m: imports }).exports as Exports;
  const result = wrap(exports);
  byModule.set(bytes, { others: memories, offset, made: result });
  return result;
}
