/**
 * Python fidelity: each case in tests/fidelity/cases.json runs in the sandbox and must print what
 * native CPython printed for it (tests/fidelity/expected.json, made by record.mjs): the same
 * stdout (exactly, or as a multiset of lines where processes race), the same exit code and the
 * same exceptions.
 */
import { readFileSync } from 'node:fs';
import { exceptionLines, fileSource } from '../fidelity/cases.mjs';
import { expect, script, test } from './fixtures';

interface FidelityCase {
  name: string;
  files: string[];
  entries?: string[];
  startMethod: 'fork' | 'spawn';
  compare: 'exact' | 'multiset';
  stdin?: string;
  /** [pattern, replacement] pairs applied to both outputs, stdout and exception lines: names
   * that differ run to run (which pool worker took a task), or wording that differs between
   * the recorder's CPython and 3.14. An exception line replaced by nothing is dropped. */
  normalize?: [string, string][];
}

const dir = new URL('../fidelity/', import.meta.url).pathname;
const cases: FidelityCase[] = JSON.parse(readFileSync(`${dir}cases.json`, 'utf8'));
const expected: Record<string, { exitCode: number; stdout: string; exceptions: string[] }> =
  JSON.parse(readFileSync(`${dir}expected.json`, 'utf8')).cases;

const sortedLines = (text: string) => text.split('\n').sort();

for (const c of cases) {
  test(`${c.name} prints what CPython prints`, async ({ sandbox }) => {
    const want = expected[c.name];
    const files = c.files.map((f) => script(f, readFileSync(fileSource(f), 'utf8')));
    const result = await sandbox.run(files, {
      entries: c.entries ?? [c.files.at(-1)!],
      startMethod: c.startMethod,
      stdin: c.stdin,
      stopRest: (c.entries?.length ?? 1) > 1,
    });
    const normal = (text: string) =>
      (c.normalize ?? []).reduce((t, [from, to]) => t.replace(new RegExp(from, 'g'), to), text);
    if (c.compare === 'exact') expect(normal(result.stdout)).toBe(normal(want.stdout));
    else expect(sortedLines(normal(result.stdout))).toEqual(sortedLines(normal(want.stdout)));
    const exceptions = (lines: string[]) =>
      lines
        .map(normal)
        .filter((line) => line !== '')
        .sort();
    expect(exceptions(exceptionLines(result.stderr))).toEqual(exceptions(want.exceptions));
    expect(result.exitCode).toBe(want.exitCode);
  });
}
