import { deflateSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { CHAT_LIMIT, decodeShare, encodeShare, isShareFragment } from '../../src/share';

const workspace = {
  files: [
    { path: '18_asyncio_server.py', content: 'import asyncio\nprint("服务器")\n' },
    { path: '8888_client.py', content: 'import socket\n' },
  ],
  active: '8888_client.py',
  entries: ['18_asyncio_server.py', '8888_client.py'],
  startMethod: 'spawn' as const,
};

/** A fragment holding any JSON text, as a hand-made (hostile) link would. */
const packed = (json: string) => {
  const bytes = deflateSync(strToU8(json));
  const base64 = Buffer.from(bytes).toString('base64url');
  return `v1:${base64}`;
};

describe('share links', () => {
  it('round-trips every file, the run configuration and the start method', () => {
    const fragment = encodeShare(workspace);
    expect(isShareFragment(fragment)).toBe(true);
    expect(fragment).toMatch(/^v1:[A-Za-z0-9_-]+$/);
    expect(decodeShare(fragment)).toEqual(workspace);
  });

  it('compresses: a typical two-file program fits well under what chat apps accept', () => {
    const big = {
      ...workspace,
      files: workspace.files.map((f) => ({ ...f, content: f.content.repeat(60) })),
    };
    const json = JSON.stringify(big).length;
    const fragment = encodeShare(big);
    expect(fragment.length).toBeLessThan(json / 4);
    expect(fragment.length).toBeLessThan(CHAT_LIMIT);
  });

  it('names what is wrong with a bad link', () => {
    const good = encodeShare(workspace);
    expect(decodeShare('v2:abc')).toEqual({ kind: 'version' });
    expect(decodeShare('v1:not base64!')).toEqual({ kind: 'encoding' });
    expect(decodeShare(good.slice(0, good.length - 6))).toEqual({ kind: 'corrupt' });
    expect(decodeShare('v1:' + 'A'.repeat(1_000_001))).toEqual({ kind: 'tooLarge' });
    expect(decodeShare(packed('{"files": 3}'))).toEqual({ kind: 'format' });
    expect(decodeShare(packed('not json'))).toEqual({ kind: 'corrupt' });
    expect(decodeShare(packed('{"files": []}'))).toEqual({ kind: 'format' });
  });

  it('refuses path traversal, control characters and duplicate names', () => {
    const files = (...names: string[]) =>
      packed(JSON.stringify({ files: names.map((n) => [n, 'x']) }));
    expect(decodeShare(files('../../etc/passwd'))).toEqual({
      kind: 'fileName',
      name: '../../etc/passwd',
      problem: 'path',
    });
    expect(decodeShare(files('a\u001b[2J.py'))).toMatchObject({
      kind: 'fileName',
      problem: 'control',
    });
    expect(decodeShare(files('a.py', 'a.py'))).toMatchObject({
      kind: 'fileName',
      problem: 'duplicate',
    });
  });

  it('stops a compression bomb at the cap instead of filling memory', () => {
    const bomb = packed(`{"files": [["a.py", "${'x'.repeat(20 * 1024 * 1024)}"]]}`);
    expect(bomb.length).toBeLessThan(100_000);
    expect(decodeShare(bomb)).toEqual({ kind: 'tooLarge' });
  });

  it('drops unknown entries and falls back to sane defaults', () => {
    const fragment = packed(
      JSON.stringify({
        files: [['a.py', '']],
        active: 'zzz',
        entries: ['a.py', 'nope'],
        startMethod: 'x',
      }),
    );
    expect(decodeShare(fragment)).toEqual({
      files: [{ path: 'a.py', content: '' }],
      active: 'a.py',
      entries: ['a.py'],
      startMethod: 'fork',
    });
  });
});
