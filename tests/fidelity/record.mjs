#!/usr/bin/env node
/**
 * Records what native CPython prints for each fidelity case into expected.json:
 *   node tests/fidelity/record.mjs          (every case)
 *   node tests/fidelity/record.mjs --new    (only cases not yet in expected.json)
 * Each case in cases.json names files from examples/ (or tests/fidelity/programs/), the entries
 * to start, and the start method. Native runs force the method with set_start_method, so the
 * record does not depend on the local Python's default. native_run.py explains how output is
 * captured line by line.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exceptionLines, fileSource } from './cases.mjs';

const here = new URL('.', import.meta.url).pathname;
const cases = JSON.parse(readFileSync(join(here, 'cases.json'), 'utf8'));
const version = execFileSync('python3', ['--version']).toString().trim();
const onlyNew = process.argv.includes('--new');
const expectedPath = join(here, 'expected.json');
const expected = onlyNew
  ? JSON.parse(readFileSync(expectedPath, 'utf8'))
  : { recordedWith: version, cases: {} };

for (const c of cases) {
  if (onlyNew && c.name in expected.cases) continue;
  const dir = mkdtempSync(join(tmpdir(), 'procbox-fidelity-'));
  for (const file of c.files) copyFileSync(fileSource(file), join(dir, file));
  const entries = c.entries ?? [c.files.at(-1)];
  const r = JSON.parse(
    execFileSync('python3', [join(here, 'native_run.py'), c.startMethod, ...entries], {
      cwd: dir,
      input: c.stdin ?? '',
      timeout: 60_000,
    }).toString(),
  );
  expected.cases[c.name] = {
    exitCode: r.exitCode,
    stdout: r.stdout,
    exceptions: exceptionLines(r.stderr),
  };
  console.log(`${c.name}: exit ${r.exitCode}`);
}
writeFileSync(expectedPath, JSON.stringify(expected, null, 2) + '\n');
