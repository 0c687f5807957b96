import { describe, expect, it } from 'vitest';
import { TracebackReader, tracebackPlaces } from '../../src/ui/traceback-links';

const workspace = new Set(['main.py', 'pkg/util.py', '数据.py']);
const inWorkspace = (path: string) => workspace.has(path);

describe('tracebackPlaces', () => {
  it('finds the workspace files a traceback names, with their lines', () => {
    const line = '  File "/home/user/main.py", line 4, in <module>';
    expect(tracebackPlaces(line, inWorkspace)).toEqual([
      { start: 2, end: 35, path: 'main.py', line: 4 },
    ]);
    expect(line.slice(2, 35)).toBe('File "/home/user/main.py", line 4');
    expect(tracebackPlaces('  File "/home/user/pkg/util.py", line 12, in f', inWorkspace)).toEqual([
      { start: 2, end: 40, path: 'pkg/util.py', line: 12 },
    ]);
    expect(tracebackPlaces('[3] File "./数据.py", line 1', inWorkspace)[0]).toMatchObject({
      path: '数据.py',
      line: 1,
    });
  });

  it('leaves alone the standard library, files not in the workspace and other text', () => {
    const stdlib =
      '  File "/lib/python313.zip/multiprocessing/process.py", line 314, in _bootstrap';
    expect(tracebackPlaces(stdlib, inWorkspace)).toEqual([]);
    expect(tracebackPlaces('  File "/home/user/gone.py", line 2', inWorkspace)).toEqual([]);
    expect(tracebackPlaces('  File "<string>", line 1', inWorkspace)).toEqual([]);
    expect(tracebackPlaces('print("File main.py, line 2")', inWorkspace)).toEqual([]);
  });
});

describe('TracebackReader', () => {
  it("gives each traceback's innermost workspace frame and its exception, as stderr comes", () => {
    const reader = new TracebackReader(inWorkspace);
    const traceback = [
      'Traceback (most recent call last):',
      '  File "/home/user/main.py", line 9, in <module>',
      '    run()',
      '  File "/home/user/pkg/util.py", line 3, in run',
      '    raise ValueError("boom")',
      '  File "/lib/python313.zip/x.py", line 1, in helper',
      'ValueError: boom',
      '',
    ].join('\n');
    // In pieces, a line cut in two, and another process's lines between.
    expect(reader.feed(1, 2, traceback.slice(0, 50))).toEqual([]);
    expect(reader.feed(2, 2, 'Traceback (most recent call last):\n')).toEqual([]);
    expect(reader.feed(1, 1, 'ValueError: printed, not raised\n')).toEqual([]);
    expect(reader.feed(1, 2, traceback.slice(50))).toEqual([
      { path: 'pkg/util.py', line: 3, message: 'ValueError: boom' },
    ]);
    expect(
      reader.feed(2, 2, '  File "/home/user/main.py", line 2, in <module>\nKeyError: 1\n'),
    ).toEqual([{ path: 'main.py', line: 2, message: 'KeyError: 1' }]);
  });

  it('reads a syntax error, and a chained traceback ends at its own exception', () => {
    const reader = new TracebackReader(inWorkspace);
    const syntax = [
      '  File "/home/user/main.py", line 3',
      '    print("x"',
      '         ^',
      "SyntaxError: '(' was never closed",
      '',
    ];
    expect(reader.feed(1, 2, ['Traceback (most recent call last):', ...syntax].join('\n'))).toEqual(
      [{ path: 'main.py', line: 3, message: "SyntaxError: '(' was never closed" }],
    );
    const chained = [
      'Traceback (most recent call last):',
      '  File "/home/user/main.py", line 2, in <module>',
      'KeyError: 1',
      '',
      'During handling of the above exception, another exception occurred:',
      '',
      'Traceback (most recent call last):',
      '  File "/home/user/main.py", line 4, in <module>',
      'RuntimeError: no key',
      '',
    ].join('\n');
    expect(reader.feed(2, 2, chained).map((f) => f.line)).toEqual([2, 4]);
    // A traceback only in the standard library marks nothing.
    const stdlib =
      'Traceback (most recent call last):\n  File "/lib/a.py", line 1, in f\nOSError: x\n';
    expect(reader.feed(3, 2, stdlib)).toEqual([]);
  });
});
