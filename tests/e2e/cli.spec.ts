/** `procbox run` on the tutorials' examples: what it prints must be what CPython printed. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { fileSource } from '../fidelity/cases.mjs';

const root = new URL('../../', import.meta.url).pathname;
const expected: Record<string, { exitCode: number; stdout: string }> = JSON.parse(
  readFileSync(join(root, 'tests/fidelity/expected.json'), 'utf8'),
).cases;

function procbox(args: string[], input = '') {
  const result = spawnSync('node', [join(root, 'bin/procbox.mjs'), ...args], {
    input,
    timeout: 120_000,
  });
  return {
    code: result.status,
    stdout: result.stdout.toString(),
    stderr: result.stderr.toString(),
  };
}

const sorted = (text: string) => text.split('\n').sort();

for (const [name, file, exact] of [
  ['01 process hello', '01_process_hello.py', true],
  ['04 no main guard', '04_piao_no_main_guard.py', false],
  ['05 Process subclass', '05_piao_subclass.py', false],
  ['13 process names', '13_process_names.py', false],
  ['17 asyncio tasks', '17_asyncio_tasks.py', true],
] as const) {
  test(`procbox run --plain ${file} prints what CPython prints`, () => {
    const run = procbox(['run', '--plain', fileSource(file)]);
    const want = expected[name];
    if (exact) expect(run.stdout).toBe(want.stdout);
    else expect(sorted(run.stdout)).toEqual(sorted(want.stdout));
    expect(run.code).toBe(want.exitCode);
  });
}

for (const [name, server] of [
  ['10 threaded server', '10_threaded_server.py'],
  ['14 process server', '14_process_server.py'],
  ['18 asyncio server', '18_asyncio_server.py'],
] as const) {
  test(`procbox run ${server} 8888_client.py prints what CPython prints`, () => {
    const run = procbox(['run', '--plain', fileSource(server), fileSource('8888_client.py')]);
    const ports = (text: string) => text.replace(/\('127\.0\.0\.1', \d+\)/g, "('127.0.0.1', PORT)");
    expect(sorted(ports(run.stdout))).toEqual(sorted(ports(expected[name].stdout)));
    expect(run.code).toBe(expected[name].exitCode);
  });
}

test('procbox run --start-method spawn shows the bootstrapping error', () => {
  const run = procbox([
    'run',
    '--plain',
    '--start-method',
    'spawn',
    fileSource('04_piao_no_main_guard.py'),
  ]);
  expect(run.stdout).toBe('主线程\n');
  expect(run.stderr.match(/^RuntimeError: $/gm)).toHaveLength(4);
  expect(run.stderr).toContain('current process has finished its bootstrapping phase.');
  expect(run.code).toBe(0);
});

test('procbox run tags lines with pids, passes stdin, and exits with the last code', () => {
  const run = procbox(['run', fileSource('echo_input.py')], 'Ada\n42\n');
  expect(run.stdout).toBe('[1] name? hello Ada, 84\n[1] EOF\n');
  expect(run.code).toBe(0);
  expect(procbox(['run', fileSource('exit_codes.py')]).code).toBe(3);
});

test('procbox run --timeout stops everything and exits 124; bad usage exits 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'procbox-cli-'));
  const slow = join(dir, 'slow.py');
  writeFileSync(slow, 'import time\nprint("start", flush=True)\ntime.sleep(60)\n');
  const run = procbox(['run', '--timeout', '2', '--plain', slow]);
  expect(run.stdout).toBe('start\n');
  expect(run.code).toBe(124);
  const usage = procbox(['run', '--start-method', 'thread', slow]);
  expect(usage.code).toBe(2);
  expect(usage.stderr).toContain('usage: procbox run');
});

test('procbox run: piped streams are no terminal, as for python3 with pipes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'procbox-cli-'));
  const file = join(dir, 'tty.py');
  writeFileSync(
    file,
    `import os, shutil, sys
print(sys.stdin.isatty(), sys.stdout.isatty(), sys.stderr.isatty(), os.isatty(1))
print(tuple(shutil.get_terminal_size()))
try:
    os.get_terminal_size()
except OSError as error:
    print(type(error).__name__, error)
`,
  );
  const env = { ...process.env };
  delete env.COLUMNS;
  delete env.LINES;
  const native = spawnSync('python3', [file], { input: '', env });
  const run = procbox(['run', '--plain', file]);
  expect(run.stdout).toBe(native.stdout.toString());
  expect(run.stdout).toBe(
    'False False False False\n(80, 24)\nOSError [Errno 25] Inappropriate ioctl for device\n',
  );
});
