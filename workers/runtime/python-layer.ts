/** The Python layer's `.py` files, bundled as text and written into each interpreter. */

const sources = import.meta.glob('../python/**/*.py', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

/** Directory on sys.path that holds the `procbox` package. */
export const LAYER_DIR = '/usr/lib/procbox';

export const layerFiles: { path: string; content: string }[] = Object.entries(sources).map(
  ([key, content]) => ({ path: `${LAYER_DIR}/${key.replace('../python/', '')}`, content }),
);

/** The part of Pyodide's Emscripten FS that writing the layer takes. */
export interface LayerFs {
  mkdirTree(path: string): void;
  writeFile(path: string, data: Uint8Array, options: { canOwn: boolean }): void;
}

/** Writes the layer's files as bytes each file owns: given a string, Emscripten first builds a
 * JavaScript array of its characters, a megabyte of garbage per boot for the whole layer. */
export function writeLayerFiles(fs: LayerFs, files = layerFiles): void {
  const encoder = new TextEncoder();
  for (const { path, content } of files) {
    fs.mkdirTree(path.slice(0, path.lastIndexOf('/')) || '/');
    fs.writeFile(path, encoder.encode(content), { canOwn: true });
  }
}
