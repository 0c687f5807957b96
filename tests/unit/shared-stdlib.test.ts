/** Python's standard library: fetched once by the kernel, shared by every worker. */
import { afterEach, describe, expect, it } from 'vitest';
import { STDLIB_FILE, type StdlibFs, withSharedStdlib } from '../../workers/runtime/shared-stdlib';

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

/** A filesystem where Pyodide put the zip it fetched, as `/lib/python313.zip`. */
function pyodideLike() {
  const node = { contents: null as Uint8Array | null, usedBytes: 0 };
  const fs: StdlibFs = {
    readdir: () => ['.', '..', 'python3.13', 'python313.zip'],
    lookupPath: () => ({ node }),
  };
  const taken: Uint8Array[] = []; // what the boot fetched, and MEMFS's copy of it
  const boot = async () => {
    const response = await fetch(`https://procbox.test/assets/${STDLIB_FILE}`);
    const fetched = new Uint8Array(await response.arrayBuffer());
    node.contents = fetched.slice(); // MEMFS's own copy
    node.usedBytes = node.contents.length;
    taken.push(fetched, node.contents);
    return fs;
  };
  return { node, boot, taken };
}

describe('withSharedStdlib', () => {
  it("answers Pyodide's fetch from shared memory, then the file reads the shared copy", async () => {
    const shared = new Uint8Array(new SharedArrayBuffer(4));
    shared.set([0x50, 0x4b, 3, 4]);
    const others: string[] = [];
    globalThis.fetch = async (input) => {
      others.push(String(input));
      return new Response('{}');
    };
    const { node, boot, taken } = pyodideLike();
    await withSharedStdlib(
      shared,
      async () => {
        await fetch('https://procbox.test/assets/pyodide-lock.json'); // not this one: goes out
        return boot();
      },
      (fs) => fs,
    );
    expect(others).toEqual(['https://procbox.test/assets/pyodide-lock.json']);
    expect(node.contents).toBe(shared);
    // The worker's own copies are freed at once, not left for a garbage collection.
    expect(taken.map((bytes) => [bytes.length, bytes.buffer.byteLength])).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(globalThis.fetch).not.toBe(realFetch); // the test's own, put back as it was
    expect(String(globalThis.fetch)).toContain('others.push');
  });

  it('leaves a boot without a shared copy, or one that fetched otherwise, as it was', async () => {
    globalThis.fetch = async () => new Response(new Uint8Array([1, 2, 3]));
    const plain = pyodideLike();
    await withSharedStdlib(null, plain.boot, (fs) => fs);
    expect([...plain.node.contents!]).toEqual([1, 2, 3]);

    // A Pyodide that had the zip some other way: its own copy stays.
    const shared = new Uint8Array(new SharedArrayBuffer(3));
    const other = pyodideLike();
    await withSharedStdlib(
      shared,
      async () => {
        other.node.contents = new Uint8Array([7, 8, 9]);
        other.node.usedBytes = 3;
        return { readdir: () => ['python313.zip'], lookupPath: () => ({ node: other.node }) };
      },
      (fs) => fs,
    );
    expect([...other.node.contents!]).toEqual([7, 8, 9]);
  });
});
