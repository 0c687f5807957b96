import { describe, expect, it } from 'vitest';
import { displayWidth, wrapWords } from '../../src/ui/word-wrap';

describe('wrapWords', () => {
  it('breaks between words, never inside one', () => {
    const text = 'Programs find them in their working directory from the next Run.';
    const lines = wrapWords(text, 20).split('\n');
    expect(lines).toEqual([
      'Programs find them',
      'in their working',
      'directory from the',
      'next Run.',
    ]);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(20);
  });

  it('continues a two-column line under its second column', () => {
    const text = '  nc [-u] HOST PORT   connect to a server; typed lines are sent';
    expect(wrapWords(text, 40).split('\n')).toEqual([
      '  nc [-u] HOST PORT   connect to a',
      '                      server; typed',
      '                      lines are sent',
    ]);
  });

  it('counts Han characters as two columns and may break between them', () => {
    const text = '程序启动至少需要两个进程才能看到竞争条件的效果';
    const lines = wrapWords(text, 16).split('\n');
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(16);
    expect(lines.join('')).toBe(text);
  });

  it('leaves short lines and a word longer than the width as they are', () => {
    expect(wrapWords('short\nlines', 20)).toBe('short\nlines');
    const url = 'see https://example.com/a/very/long/path/that/does/not/fit';
    expect(wrapWords(url, 20).split('\n')).toEqual([
      'see',
      'https://example.com/a/very/long/path/that/does/not/fit',
    ]);
  });
});
