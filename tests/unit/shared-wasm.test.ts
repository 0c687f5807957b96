import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compilePyodide, withCompiledPyodide } from '../../workers/runtime/shared-wasm';

/** A module whose one export, f, returns `n`. */
const returning = (n: number) =>
  new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    0x01,
    0x05,
    0x01,
    0x60,
    0x00,
    0x01,
    0x7f,
    0x03,
    0x02,
    0x01,
    0x00,
    0x07,
    0x05,
    0x01,
    0x01,
    0x66,
    0x00,
    0x00,
    0x0a,
    0x06,
    0x01,
    0x04,
    0x00,
    0x41,
    n,
    0x0b,
  ]);

let base = '';
const server = createServer((req, res) => {
  res.setHeader('Content-Type', 'application/wasm');
  // What this server holds as Pyodide's file returns 2, another file 3; the kernel's copy 1.
  res.end(returning(req.url?.endsWith('/pyodide.asm.wasm') ? 2 : 3));
});
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pyodide/`;
});
afterAll(() => void server.close());

const f = (instance: WebAssembly.Instance) => (instance.exports.f as () => number)();

describe('one compiled Pyodide for every worker', () => {
  it("answers Pyodide's instantiateStreaming from the kernel's module, and only while loading", async () => {
    const shared = await WebAssembly.compile(returning(1));
    const loaded = await withCompiledPyodide(shared, async () => {
      const pyodide = await WebAssembly.instantiateStreaming(fetch(base + 'pyodide.asm.wasm'));
      const other = await WebAssembly.instantiateStreaming(fetch(base + 'other.wasm'));
      return { pyodide, other };
    });
    expect(loaded.pyodide.module).toBe(shared);
    expect(f(loaded.pyodide.instance)).toBe(1);
    expect(f(loaded.other.instance)).toBe(3); // any other file compiles as usual
    const after = await WebAssembly.instantiateStreaming(fetch(base + 'pyodide.asm.wasm'));
    expect(f(after.instance)).toBe(2);
  });

  it('compiles the file under the index URL', async () => {
    const module = await compilePyodide(base);
    expect(f(await WebAssembly.instantiate(module))).toBe(2);
  });
});
