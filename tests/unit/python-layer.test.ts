/** The Python layer's files, as every worker writes them into its interpreter. */
import { describe, expect, it } from 'vitest';
import { type LayerFs, writeLayerFiles } from '../../workers/runtime/python-layer';
import { layerFiles, layerImage } from '../../workers/runtime/python-sources';

/** What writeLayerFiles did to a file system. */
function recordingFs() {
  const dirs: string[] = [];
  const written = new Map<string, [Uint8Array, boolean]>();
  const modes = new Map<string, number>();
  const fs: LayerFs = {
    mkdirTree: (path) => void dirs.push(path),
    writeFile: (path, data, { canOwn }) => void written.set(path, [data, canOwn]),
    chmod: (path, mode) => void modes.set(path, mode),
  };
  return { fs, dirs, written, modes };
}

describe('writeLayerFiles', () => {
  it('hands each file a read-only view on the one image, under the directories it needs', () => {
    const { fs, dirs, written, modes } = recordingFs();
    const image = layerImage([
      { path: '/usr/lib/procbox/procbox/main.py', content: 'print("héllo")\n' },
      { path: '/top.py', content: '' },
    ]);
    writeLayerFiles(fs, image);
    expect(dirs).toEqual(['/usr/lib/procbox/procbox', '/']);
    const [bytes, canOwn] = written.get('/usr/lib/procbox/procbox/main.py')!;
    // A view MEMFS keeps as it is: every worker reads the kernel's copy.
    expect(bytes.buffer).toBe(image.bytes.buffer);
    expect(canOwn).toBe(true);
    expect(new TextDecoder().decode(bytes)).toBe('print("héllo")\n');
    expect(written.get('/top.py')![0].length).toBe(0);
    expect([...modes.values()]).toEqual([0o444, 0o444]);
  });

  it('writes the whole layer', () => {
    const { fs, written } = recordingFs();
    writeLayerFiles(fs, layerImage());
    expect([...written.keys()]).toEqual(layerFiles.map((file) => file.path));
    expect([...written.keys()]).toContain('/usr/lib/procbox/procbox/main.py');
    for (const { path, content } of layerFiles) {
      expect(new TextDecoder().decode(written.get(path)![0])).toBe(content);
    }
  });

  it('is Latin-1 throughout, so a script that bundles it stays one byte a character', () => {
    // The layer's files are string literals in the kernel's and intel's bundles: one character
    // past Latin-1 and Chromium keeps a whole script's source as UTF-16, twice. A string that
    // needs one writes it as an escape (\u2018).
    const wide = layerFiles.filter((file) => /[^\t\n\r\x20-\xff]/.test(file.content));
    expect(wide.map((file) => file.path)).toEqual([]);
  });
});
