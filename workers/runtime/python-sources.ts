/** The Python layer's `.py` files, bundled as text: in the kernel's bundle, which hands them to
 * every process worker as one image (BootRequest.layer), and the intel worker's. A process
 * worker's bundle has none: each text would be kept twice in every process, as its script's
 * source. */
import type { LayerImage } from '../protocol/process';
import { LAYER_DIR } from './python-layer';

const sources = import.meta.glob('../python/**/*.py', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

export const layerFiles: { path: string; content: string }[] = Object.entries(sources).map(
  ([key, content]) => ({ path: `${LAYER_DIR}/${key.replace('../python/', '')}`, content }),
);

/** `files` as UTF-8 in one buffer: shared memory where this context may share it. */
export function layerImage(files = layerFiles): LayerImage {
  const encoder = new TextEncoder();
  const encoded = files.map((file) => encoder.encode(file.content));
  const total = encoded.reduce((sum, bytes) => sum + bytes.length, 0);
  const shareable = globalThis.crossOriginIsolated === true;
  const bytes = new Uint8Array(shareable ? new SharedArrayBuffer(total) : new ArrayBuffer(total));
  let start = 0;
  const placed = files.map(({ path }, index) => {
    bytes.set(encoded[index], start);
    const file = { path, start, length: encoded[index].length };
    start += file.length;
    return file;
  });
  return { bytes, files: placed };
}
