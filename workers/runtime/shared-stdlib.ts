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
  let answered = false;
  globalThis.fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (answered || !url.endsWith('/' + STDLIB_FILE)) return plainFetch(input, init);
    answered = true;
    return Promise.resolve(new Response(shared.slice())); // a Response takes no shared memory
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
  if (answered && node && node.usedBytes === shared.length) node.contents = shared;
  return loaded;
}
