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
