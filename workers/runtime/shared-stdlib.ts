/**
 * Python's standard library is one 2.5 MB zip that Pyodide fetches at every boot and keeps in
 * its in-memory filesystem: a fetch per worker, and 2.5 MB of each worker's memory. The kernel
 * fetches it once into shared memory instead (`BootRequest.stdlib`); Pyodide's fetch of it is
 * answered from there while `load` runs, and once booted the file's contents become a view on
 * the shared copy, so the worker's own copies can go. Nothing writes to the zip; a write would
 * make MEMFS copy it into memory of its own again, as for any file.
 *
 * Pyodide has no option for this, so the fetch is recognised by its file name, as
 * shared-wasm.ts recognises its `instantiateStreaming`; a boot whose Pyodide fetched otherwise
 * simply keeps its own copy.
 */
import { release } from './sparse-copy';

export const STDLIB_FILE = 'python_stdlib.zip';
/** Where Pyodide puts it: `/lib/python313.zip` for Python 3.13. */
const STDLIB_PATH = /^python\d+\.zip$/;

interface MemfsNode {
  contents: Uint8Array | null;
  usedBytes: number;
}

/** The part of Pyodide's Emscripten FS used here. */
export interface StdlibFs {
  readdir(path: string): string[];
  lookupPath(path: string): { node: MemfsNode };
}

export async function withSharedStdlib<T>(
  shared: Uint8Array | null,
  load: () => Promise<T>,
  fsOf: (loaded: T) => StdlibFs,
): Promise<T> {
  if (!shared) return load();
  const plainFetch = globalThis.fetch;
  let given: Uint8Array<ArrayBuffer> | null = null;
  globalThis.fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (given || !url.endsWith('/' + STDLIB_FILE)) return plainFetch(input, init);
    // A Response takes no shared memory, and one made from bytes would hold a copy of its own
    // until a garbage collection: Pyodide takes the bytes with arrayBuffer(), given here.
    const bytes = (given = shared.slice());
    const response = new Response();
    response.arrayBuffer = () => Promise.resolve(bytes.buffer);
    return Promise.resolve(response);
  };
  let loaded: T;
  try {
    loaded = await load();
  } finally {
    globalThis.fetch = plainFetch;
  }
  const fs = fsOf(loaded);
  const name = fs.readdir('/lib').find((entry) => STDLIB_PATH.test(entry));
  const node = name === undefined ? null : fs.lookupPath(`/lib/${name}`).node;
  if (given && node && node.usedBytes === shared.length) {
    const own = node.contents;
    node.contents = shared;
    // The copies are garbage now, 2.5 MB each, which an idle worker may keep for long.
    if (own && own.byteLength === own.buffer.byteLength) release(own);
    release(given);
  }
  return loaded;
}
