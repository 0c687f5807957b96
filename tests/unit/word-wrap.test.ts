import { describe, expect, it } from 'vitest';
import { displayWidth, padWords, wrapWords } from '../../src/ui/word-wrap';

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

/** Lays `text` out as a terminal with auto-wrap does: rows of `columns` cells, a wide character
 * that does not fit carried to the next row (its last cell left empty, shown as ''). */
function layOut(text: string, columns: number): string[][] {
  const rows: string[][] = [[]];
  for (const ch of text) {
    const width = displayWidth(ch);
    let row = rows[rows.length - 1];
    if (row.length + width > columns) {
      while (row.length < columns) row.push('');
      rows.push((row = []));
    }
    row.push(ch);
    if (width === 2) row.push('');
  }
  return rows;
}

describe('padWords', () => {
  const rowsOf = (text: string, columns: number) =>
    layOut(padWords(text, columns), columns).map((cells) => cells.join(''));

  it('widens the space where a row must end, so no word is split across rows', () => {
    const text = 'Programs find them in their working directory from the next Run.';
    expect(rowsOf(text, 20).map((row) => row.trimEnd())).toEqual([
      'Programs find them',
      'in their working',
      'directory from the',
      'next Run.',
    ]);
  });

  it('keeps one logical line: the rows joined with a space at each padded break give the text', () => {
    const text = 'Running main.py → client.py with the spawn start method; output is tagged';
    const cells = layOut(padWords(text, 24), 24);
    let joined = '';
    cells.forEach((row, i) => {
      const spaceBefore = i > 0 && cells[i - 1][23] === ' ';
      joined += (spaceBefore ? ' ' : '') + row.join('').trimEnd();
    });
    expect(joined).toBe(text);
  });

  it('leaves Han text, short lines and an over-long word to the terminal', () => {
    const han = '程序启动至少需要两个进程才能看到竞争条件的效果';
    expect(padWords(han, 15)).toBe(han);
    expect(padWords('short\nlines', 20)).toBe('short\nlines');
    const rows = rowsOf('see https://example.com/a/very/long/path', 20);
    expect(rows[0].trimEnd()).toBe('see');
    expect(rows.slice(1).join('')).toBe('https://example.com/a/very/long/path');
  });
});
