/** The Python layer's files, as every worker writes them into its interpreter. */
import { describe, expect, it } from 'vitest';
import { type LayerFs, layerFiles, writeLayerFiles } from '../../workers/runtime/python-layer';

describe('writeLayerFiles', () => {
  it('hands each file its bytes to own, under the directories it needs', () => {
    const dirs: string[] = [];
    const written = new Map<string, [Uint8Array, boolean]>();
    const fs: LayerFs = {
      mkdirTree: (path) => void dirs.push(path),
      writeFile: (path, data, { canOwn }) => void written.set(path, [data, canOwn]),
    };
    writeLayerFiles(fs, [
      { path: '/usr/lib/procbox/procbox/main.py', content: 'print("héllo")\n' },
      { path: '/top.py', content: '' },
    ]);
    expect(dirs).toEqual(['/usr/lib/procbox/procbox', '/']);
    const [bytes, canOwn] = written.get('/usr/lib/procbox/procbox/main.py')!;
    // Bytes, not a string: Emscripten would turn a string into an array of its characters.
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(canOwn).toBe(true);
    expect(new TextDecoder().decode(bytes)).toBe('print("héllo")\n');
    expect(written.get('/top.py')![0].length).toBe(0);
  });

  it('writes the whole layer by default', () => {
    const paths: string[] = [];
    writeLayerFiles({ mkdirTree: () => {}, writeFile: (path) => void paths.push(path) });
    expect(paths).toEqual(layerFiles.map((file) => file.path));
    expect(paths).toContain('/usr/lib/procbox/procbox/main.py');
  });
});
