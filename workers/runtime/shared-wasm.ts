/**
 * Pyodide compiles its 9.6 MB of WebAssembly in every worker that loads it: a few hundred
 * milliseconds of a core, then more in the background as hot functions are optimised, and the
 * machine code kept once per worker. The kernel compiles it once instead and hands the module
 * to each process worker, which only instantiates it; V8 shares the compiled code between them.
 *
 * Pyodide offers no option for this (its Emscripten `instantiateWasm` hook is its own), so while
 * `load` runs, its call to `WebAssembly.instantiateStreaming` for `pyodide.asm.wasm` is answered
 * from the module. Should Pyodide stop making that call, the worker simply compiles as before.
 */
const WASM_FILE = 'pyodide.asm.wasm';

/** `watch` sees the response first (the kernel counts its bytes for the progress bar). */
export function compilePyodide(
  indexURL: string,
  watch: (response: Response) => Response = (response) => response,
): Promise<WebAssembly.Module> {
  return WebAssembly.compileStreaming(fetch(indexURL + WASM_FILE).then(watch));
}

export async function withCompiledPyodide<T>(
  module: WebAssembly.Module,
  load: () => Promise<T>,
): Promise<T> {
  const streaming = WebAssembly.instantiateStreaming;
  WebAssembly.instantiateStreaming = async (source, imports) => {
    const response = await source;
    if (!response.url.endsWith('/' + WASM_FILE)) {
      return streaming(response, imports);
    }
    void response.body?.cancel(); // fetched by Pyodide before this call; not needed
    const instance = await WebAssembly.instantiate(module, imports);
    return { module, instance };
  };
  try {
    return await load();
  } finally {
    WebAssembly.instantiateStreaming = streaming;
  }
}
