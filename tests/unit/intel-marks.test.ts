/**
 * src/intel/ruff-marks.ts: Ruff's findings as the editor's marks. The findings come from the
 * real Ruff (its WebAssembly build, loaded here as the intel worker loads it, with the same
 * rules), so a change in Ruff's messages or positions fails here.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { initSync, PositionEncoding, Workspace } from '@astral-sh/ruff-wasm-web';
import { debounce, LEARNER_RULES, marksFromRuff } from '../../src/intel/ruff-marks';
import type { RuffDiagnostic } from '../../workers/protocol/intel';
import type { Locale } from '../../src/i18n';

let ruff: Workspace;

beforeAll(() => {
  const wasm = createRequire(import.meta.url).resolve('@astral-sh/ruff-wasm-web/ruff_wasm_bg.wasm');
  initSync({ module: readFileSync(wasm) });
  ruff = new Workspace(
    { 'target-version': 'py314', lint: { select: LEARNER_RULES } },
    PositionEncoding.Utf16,
  );
});

function marks(source: string, locale: Locale = 'en') {
  const lines = source.split('\n');
  return marksFromRuff(
    ruff.check(source) as RuffDiagnostic[],
    locale,
    (line) => lines[line - 1]?.length ?? 0,
    lines.length,
  );
}

describe('marksFromRuff', () => {
  it('marks an undefined name where it stands, as an error', () => {
    expect(marks('total = 1\nprint(totl)\n')).toEqual([
      {
        severity: 'error',
        message: 'Undefined name `totl`',
        code: 'F821',
        startLineNumber: 2,
        startColumn: 7,
        endLineNumber: 2,
        endColumn: 11,
        unnecessary: false,
      },
    ]);
  });

  it('counts columns in UTF-16 units, as Monaco does', () => {
    const [mark] = marks('s = "中文😀" + 名字\n');
    expect(mark).toMatchObject({ code: 'F821', startColumn: 14, endColumn: 16 });
    expect('s = "中文😀" + 名字'.slice(mark.startColumn - 1, mark.endColumn - 1)).toBe('名字');
  });

  it('an unused import is a faded warning; a counter without `global` an error', () => {
    const found = marks('import os\ncounter = 0\ndef work():\n    counter += 1\n');
    expect(found.map((m) => [m.code, m.severity, m.unnecessary])).toEqual([
      ['F401', 'warning', true],
      ['F823', 'error', false],
    ]);
  });

  it('a syntax error is marked alone, widened to a character when Ruff gives none', () => {
    const [mark, ...rest] = marks('x = (\n');
    expect(rest).toEqual([]);
    expect(mark.code).toBe('syntax');
    expect(mark.message).toMatch(/^SyntaxError: /);
    // At the end of the text: on the line's last character, not past the end.
    expect(mark).toMatchObject({ startLineNumber: 1, startColumn: 5, endColumn: 6 });
    const [colon] = marks('if x\n    pass\n');
    expect(colon).toMatchObject({ startLineNumber: 1, code: 'syntax' });
    expect(colon.endColumn).toBeGreaterThan(colon.startColumn);
  });

  it('speaks the learner’s language', () => {
    expect(marks('print(totl)\n', 'zh-CN')[0].message).toBe('未定义的名字 `totl`');
    expect(marks('import os\n', 'zh-CN')[0].message).toBe('导入了 `os` 但没有使用');
    expect(marks('def f():\n    n += 1\nn = 0\n', 'zh-CN')[0].message).toBe(
      '局部变量 `n` 在赋值之前被引用',
    );
    expect(marks('if x\n', 'zh-CN')[0].message).toMatch(/^语法错误：/);
  });

  it('leaves style alone: a valid, unidiomatic program has no marks', () => {
    expect(marks('import threading\nif threading.active_count()==1 : print ( "one" )\n')).toEqual(
      [],
    );
  });
});

describe('debounce', () => {
  afterEach(() => vi.useRealTimers());

  it('runs once, after the last call has waited the pause', () => {
    vi.useFakeTimers();
    const run = vi.fn();
    const later = debounce(run, 300);
    later();
    vi.advanceTimersByTime(200);
    later();
    vi.advanceTimersByTime(299);
    expect(run).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(run).toHaveBeenCalledTimes(1);
    later();
    later.cancel();
    vi.advanceTimersByTime(1000);
    expect(run).toHaveBeenCalledTimes(1);
  });
});
