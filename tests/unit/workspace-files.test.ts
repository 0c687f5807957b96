import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  baseName,
  fileBytes,
  fileFromBytes,
  fileSize,
  workspaceSize,
  ZIP_NAME,
  zipWorkspace,
} from '../../src/workspace-files';

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('fileFromBytes: text or base64', () => {
  it.each([
    ['ASCII', 'name,value\nparts,2\n'],
    ['Chinese and é', '你好，世界 é\n'],
    ['empty', ''],
    ['a byte-order mark, kept', '\uFEFFwith BOM\n'],
  ])('keeps UTF-8 without NUL as text (%s)', (_, text) => {
    const file = fileFromBytes('a.txt', utf8(text));
    expect(file).toEqual({ path: 'a.txt', content: text });
    expect(fileBytes(file)).toEqual(utf8(text));
  });

  it.each([
    ['a NUL byte', [0x61, 0x00, 0x62]],
    ['invalid UTF-8', [0xff, 0xfe, 0x41]],
    ['a cut multi-byte character', [0x41, 0xe4, 0xbd]],
    ['every byte', [...Array(256).keys()]],
  ])('keeps other bytes as base64 (%s), round-tripping exactly', (_, list) => {
    const bytes = Uint8Array.from(list);
    const file = fileFromBytes('b.bin', bytes);
    expect(file.encoding).toBe('base64');
    expect(fileBytes(file)).toEqual(bytes);
    expect(fileSize(file)).toBe(bytes.length);
  });

  it('encodes files larger than one chunk of the base64 loop', () => {
    const bytes = Uint8Array.from({ length: 100_001 }, (_, i) => (i * 7) & 0xff);
    const file = fileFromBytes('big.bin', bytes);
    expect(fileBytes(file)).toEqual(bytes);
    expect(fileSize(file)).toBe(100_001);
  });
});

describe('sizes, names and the zip', () => {
  it('counts text as UTF-8 bytes and base64 as the bytes it holds', () => {
    const files = [
      { path: 'a.txt', content: 'é世' }, // 2 + 3
      { path: 'b.bin', content: 'AAE=', encoding: 'base64' as const }, // 2
      { path: 'c.bin', content: 'AAECAw==', encoding: 'base64' as const }, // 4
    ];
    expect(files.map(fileSize)).toEqual([5, 2, 4]);
    expect(workspaceSize(files)).toBe(11);
  });

  it.each(['', 'ascii', 'é', '世界', '😀 pair', 'lone \ud800 high', 'lone \udc00 low', '\ud800'])(
    'counts UTF-8 bytes as TextEncoder does (%j)',
    (text) => {
      expect(fileSize({ path: 'a', content: text })).toBe(utf8(text).length);
    },
  );

  it('downloads a file under its base name', () => {
    expect(baseName('out/part0.txt')).toBe('part0.txt');
    expect(baseName('main.py')).toBe('main.py');
  });

  it('zips every file with its folders and its bytes', () => {
    const files = [
      { path: 'main.py', content: 'print("你好")\n' },
      { path: 'out/part0.txt', content: 'part 0\n' },
      { path: 'blob.bin', content: 'AP8BAg==', encoding: 'base64' as const },
    ];
    const unzipped = unzipSync(zipWorkspace(files));
    expect(Object.keys(unzipped).sort()).toEqual(['blob.bin', 'main.py', 'out/part0.txt']);
    expect(unzipped['main.py']).toEqual(utf8('print("你好")\n'));
    expect(unzipped['out/part0.txt']).toEqual(utf8('part 0\n'));
    expect(unzipped['blob.bin']).toEqual(Uint8Array.from([0, 255, 1, 2]));
    expect(ZIP_NAME).toBe('procbox-workspace.zip');
  });
});
