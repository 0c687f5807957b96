import { describe, expect, it } from 'vitest';
import { tracebackPlaces } from '../../src/ui/traceback-links';

const workspace = new Set(['main.py', 'pkg/util.py', '数据.py']);
const inWorkspace = (path: string) => workspace.has(path);

describe('tracebackPlaces', () => {
  it('finds the workspace files a traceback names, with their lines', () => {
    const line = '  File "/home/user/main.py", line 4, in <module>';
    expect(tracebackPlaces(line, inWorkspace)).toEqual([
      { start: 2, end: 35, path: 'main.py', line: 4 },
    ]);
    expect(line.slice(2, 35)).toBe('File "/home/user/main.py", line 4');
    expect(tracebackPlaces('  File "/home/user/pkg/util.py", line 12, in f', inWorkspace)).toEqual(
      [{ start: 2, end: 40, path: 'pkg/util.py', line: 12 }],
    );
    expect(tracebackPlaces('[3] File "./数据.py", line 1', inWorkspace)[0]).toMatchObject({
      path: '数据.py',
      line: 1,
    });
  });

  it('leaves alone the standard library, files not in the workspace and other text', () => {
    const stdlib = '  File "/lib/python313.zip/multiprocessing/process.py", line 314, in _bootstrap';
    expect(tracebackPlaces(stdlib, inWorkspace)).toEqual([]);
    expect(tracebackPlaces('  File "/home/user/gone.py", line 2', inWorkspace)).toEqual([]);
    expect(tracebackPlaces('  File "<string>", line 1', inWorkspace)).toEqual([]);
    expect(tracebackPlaces('print("File main.py, line 2")', inWorkspace)).toEqual([]);
  });
});
