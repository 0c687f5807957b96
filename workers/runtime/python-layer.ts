/** The Python layer's `.py` files as each interpreter has them: views on one image of them all
 * (python-sources.ts makes it), shared by every process worker. */
import type { LayerImage } from '../protocol/process';

/** Directory on sys.path that holds the `procbox` package. */
export const LAYER_DIR = '/usr/lib/procbox';

/** The part of Pyodide's Emscripten FS that writing the layer takes. */
export interface LayerFs {
  mkdirTree(path: string): void;
  writeFile(path: string, data: Uint8Array, options: { canOwn: boolean }): void;
  chmod(path: string, mode: number): void;
}

/** Read-only, as a system's /usr/lib is to its users. */
const READ_ONLY = 0o444;

/** Writes each file as a view on `image`: MEMFS keeps the bytes it may own as they are, so every
 * worker reads the kernel's one copy. They are read-only: MEMFS would write into that copy in
 * place. (Given a string, Emscripten would first build an array of its characters.) */
export function writeLayerFiles(fs: LayerFs, image: LayerImage): void {
  for (const { path, start, length } of image.files) {
    fs.mkdirTree(path.slice(0, path.lastIndexOf('/')) || '/');
    fs.writeFile(path, image.bytes.subarray(start, start + length), { canOwn: true });
    fs.chmod(path, READ_ONLY);
  }
}
