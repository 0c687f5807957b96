/** `procbox run` on the tutorials' examples: what it prints must be what CPython printed. */
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { findChromium } from '../../bin/driver.mjs';
import { fileSource } from '../fidelity/cases.mjs';

const root = new URL('../../', import.meta.url).pathname;
const expected: Record<string, { exitCode: number; stdout: string }> = JSON.parse(
  readFileSync(join(root, 'tests/fidelity/expected.json'), 'utf8'),
).cases;

/** An empty folder: `procbox run` copies the current directory into the workspace. */
const emptyDir = () => mkdtempSync(join(tmpdir(), 'procbox-cwd-'));

function procbox(args: string[], input = '', cwd = emptyDir(), env: Record<string, string> = {}) {
  const result = spawnSync('node', [join(root, 'bin/procbox.mjs'), ...args], {
    input,
    cwd,
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
  return {
    code: result.status,
    stdout: result.stdout.toString(),
    stderr: result.stderr.toString(),
  };
}

/** This machine's environment without PYTHONUNBUFFERED, so native python3 buffers as usual. */
const bufferedEnv = { ...process.env };
delete bufferedEnv.PYTHONUNBUFFERED;

/** Runs a shell command on a pseudo-terminal (`script`): its output is a terminal's. */
function onTerminal(command: string) {
  const result = spawnSync('script', ['--quiet', '--return', '--command', command, '/dev/null'], {
    input: '',
    cwd: emptyDir(),
    env: bufferedEnv,
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout.toString().replace(/\r\n/g, '\n') };
}

/**
 * `procbox run` on a terminal, so its processes' stdout is line-buffered, as it was when
 * CPython's output was recorded. (Piped, it is buffered in blocks, as CPython's is, and a server
 * the run stops at its end loses what it had not flushed.)
 */
function procboxOnTerminal(args: string[]) {
  const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;
  return onTerminal(['node', join(root, 'bin/procbox.mjs'), ...args].map(quote).join(' '));
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
    const run = procboxOnTerminal([
      'run',
      '--plain',
      fileSource(server),
      fileSource('8888_client.py'),
    ]);
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

test('procbox run says a deadlock on stderr as it happens, naming the cycle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'procbox-cli-'));
  const program = join(dir, 'full.py');
  // The multiprocessing docs' example of a join that deadlocks: CPython hangs here too.
  writeFileSync(
    program,
    [
      'from multiprocessing import Process, Queue',
      '',
      'def f(q):',
      '    q.put("X" * 1000000)',
      '',
      'if __name__ == "__main__":',
      '    queue = Queue()',
      '    p = Process(target=f, args=(queue,))',
      '    p.start()',
      '    p.join()',
      '    obj = queue.get()',
      '',
    ].join('\n'),
  );
  const run = procbox(['run', '--timeout', '8', program]);
  expect(run.code).toBe(124);
  expect(run.stderr).toContain(
    'procbox: deadlock: MainThread (pid 1) waits for Process-1 (pid 2) to exit at full.py:10, ' +
      'whose MainThread waits for QueueFeederThread to end, which waits to write to Queue#1 ' +
      '(full), read by MainThread (pid 1)\n',
  );
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

test('procbox run buffers stdout in blocks when piped and by line on a terminal, as CPython', () => {
  const dir = mkdtempSync(join(tmpdir(), 'procbox-cli-'));
  const file = join(dir, 'buffering.py');
  writeFileSync(
    file,
    `import sys
print("out 1")
print("err 1", file=sys.stderr)
print("out 2")
`,
  );
  // Both streams into one pipe: stdout's block arrives at exit, after stderr's line.
  const piped = (command: string) =>
    spawnSync('sh', ['-c', `${command} 2>&1`], {
      input: '',
      env: bufferedEnv,
      timeout: 120_000,
    }).stdout.toString();
  const bin = join(root, 'bin/procbox.mjs');
  const nativePiped = piped(`python3 '${file}'`);
  expect(nativePiped).toBe('err 1\nout 1\nout 2\n');
  expect(piped(`node '${bin}' run --plain '${file}'`)).toBe(nativePiped);
  // On a terminal each line goes out as it is printed.
  const nativeTerminal = onTerminal(`python3 '${file}'`).stdout;
  expect(nativeTerminal).toBe('out 1\nerr 1\nout 2\n');
  expect(onTerminal(`node '${bin}' run --plain '${file}'`).stdout).toBe(nativeTerminal);
});

test('procbox run copies the current folder: a sibling module, a data file, --write-back', () => {
  const dir = emptyDir();
  writeFileSync(join(dir, 'util.py'), 'def double(x):\n    return 2 * x\n');
  mkdirSync(join(dir, 'data'));
  writeFileSync(join(dir, 'data', '数据.csv'), 'n\n21\n');
  mkdirSync(join(dir, '.git'));
  writeFileSync(join(dir, '.git', 'HEAD'), 'not copied');
  writeFileSync(
    join(dir, 'main.py'),
    [
      'import os, util',
      'n = int(open("data/数据.csv").read().split()[1])',
      'print(util.double(n), os.path.exists(".git"))',
      'open("out.txt", "w").write("written back")',
      'os.remove("data/数据.csv")',
      '',
    ].join('\n'),
  );
  const plain = procbox(['run', '--plain', 'main.py'], '', dir);
  expect(plain.stdout).toBe('42 False\n');
  expect(existsSync(join(dir, 'out.txt'))).toBe(false); // off by default
  const back = procbox(['run', '--plain', '--write-back', 'main.py'], '', dir);
  expect(back.stdout).toBe('42 False\n');
  expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('written back');
  expect(existsSync(join(dir, 'data', '数据.csv'))).toBe(false);
  expect(existsSync(join(dir, 'util.py'))).toBe(true);
});

const hello = () => {
  const cwd = emptyDir();
  writeFileSync(join(cwd, 'hello.py'), 'print("hello")\n');
  return cwd;
};

/** `procbox run --verbose hello.py` with a cache folder of its own, and `env` beside. */
const runIn = (cache: string, env: Record<string, string> = {}) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn('node', [join(root, 'bin/procbox.mjs'), 'run', '--verbose', 'hello.py'], {
      cwd: hello(),
      env: { ...process.env, PROCBOX_CACHE_DIR: cache, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });

test.describe('the CLI keeps the memory snapshot in its cache folder', () => {
  // Each run boots a browser of its own here: a daemon's page would be booted already.
  const runAlone = (cache: string) => runIn(cache, { PROCBOX_DAEMON: '0' });
  const snapshots = (cache: string) =>
    readdirSync(cache).filter((name) => name.startsWith('procbox-snapshot-'));

  test('the first run makes it, the next boots from it; two runs at once share the folder', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'procbox-cache-'));
    const [a, b] = await Promise.all([runAlone(cache), runAlone(cache)]);
    for (const r of [a, b]) {
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('[1] hello\n');
      expect(r.stderr).toMatch(/snapshot: made; browser of its own/);
    }
    expect(snapshots(cache)).toHaveLength(1);
    const again = await runAlone(cache);
    expect(again.stdout).toBe('[1] hello\n');
    expect(again.stderr).toMatch(/snapshot: cache folder/);
  });

  test('a damaged snapshot is replaced, with a notice, and the run goes on', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'procbox-cache-'));
    await runAlone(cache);
    const [name] = snapshots(cache);
    writeFileSync(join(cache, name), 'not a snapshot');
    writeFileSync(join(cache, 'procbox-snapshot-0123abcd'), 'an older build'); // replaced too
    const damaged = await runAlone(cache);
    expect(damaged.code).toBe(0);
    expect(damaged.stdout).toBe('[1] hello\n');
    expect(damaged.stderr).toMatch(
      /the cached memory snapshot could not boot .*a new one was made/,
    );
    expect(snapshots(cache)).toEqual([name]);
    const after = await runAlone(cache);
    expect(after.stderr).toMatch(/snapshot: cache folder/);
    expect(after.stderr).not.toMatch(/could not boot/);
  });
});

test.describe('the CLI keeps a daemon: the browser open, a page ready for the next call', () => {
  /** The daemon serving `cache`: its pid from the lock, or null when none holds it. */
  const daemonPid = (cache: string) =>
    existsSync(join(cache, 'daemon.lock'))
      ? Number(readFileSync(join(cache, 'daemon.lock'), 'utf8'))
      : null;
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  /** The daemons running for `cache`, by their environment. */
  const daemonsOf = (cache: string) =>
    readdirSync('/proc')
      .filter((pid) => /^\d+$/.test(pid))
      .filter((pid) => {
        try {
          const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
          const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
          return cmdline.includes('daemon\0serve') && env.includes(`PROCBOX_CACHE_DIR=${cache}`);
        } catch {
          return false; // gone meanwhile
        }
      });
  /** Whether every page the daemon began to boot is booted: the next run takes one ready. */
  const pagesReady = (cache: string) => {
    const log = readFileSync(join(cache, 'daemon.log'), 'utf8');
    const count = (what: RegExp) => (log.match(what) ?? []).length;
    return count(/page booting/g) === count(/page booted/g);
  };
  const stopIn = (cache: string) =>
    spawnSync('node', [join(root, 'bin/procbox.mjs'), 'daemon', 'stop'], {
      env: { ...process.env, PROCBOX_CACHE_DIR: cache },
    });

  test('runs at once start one daemon; the next runs take a page ready, fresh; stop ends it', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'procbox-daemon-'));
    const [a, b] = await Promise.all([runIn(cache), runIn(cache)]);
    for (const r of [a, b]) {
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('[1] hello\n');
      expect(r.stderr).toMatch(/; daemon started\)/);
    }
    const pid = daemonPid(cache)!;
    // The daemon that lost the lock is on its way out: soon only the winner is left.
    await expect.poll(() => daemonsOf(cache)).toEqual([String(pid)]);
    await expect.poll(() => pagesReady(cache), { timeout: 60_000 }).toBe(true);
    const warm = await runIn(cache);
    expect(warm.stdout).toBe('[1] hello\n');
    expect(warm.stderr).toMatch(/; daemon, page ready\)/);
    expect(daemonPid(cache)).toBe(pid);
    // A page serves its next call with a fresh kernel: pids from 1, nothing left in /tmp.
    const cwd = emptyDir();
    writeFileSync(
      join(cwd, 'leave.py'),
      'import os\nprint(os.getpid(), os.path.exists("/tmp/left"))\nopen("/tmp/left", "w").close()\n',
    );
    for (let i = 0; i < 2; i += 1) {
      const again = procbox(['run', '--plain', '--verbose', 'leave.py'], '', cwd, {
        PROCBOX_CACHE_DIR: cache,
      });
      expect(again.stdout).toBe('1 False\n');
      expect(again.stderr).toMatch(/; daemon, page ready\)/);
    }
    expect(readFileSync(join(cache, 'daemon.log'), 'utf8')).toMatch(/page kept for call 4/);

    const stop = stopIn(cache);
    expect(stop.stderr.toString()).toBe('procbox: daemon stopped\n');
    await expect.poll(() => alive(pid)).toBe(false);
    expect(readdirSync(cache).filter((name) => name.startsWith('daemon.'))).toEqual(['daemon.log']);
    expect(stopIn(cache).stderr.toString()).toBe('procbox: no daemon was running\n');
  });

  test('a daemon of another build gives way, a killed one is replaced, an idle one leaves', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'procbox-daemon-'));
    // The daemon's key holds PROCBOX_CHROMIUM: two links to one browser are two builds.
    const links = ['a', 'b'].map((name) => join(cache, `chromium-${name}`));
    for (const link of links) symlinkSync(findChromium(), link);
    const first = await runIn(cache, { PROCBOX_CHROMIUM: links[0] });
    expect(first.stdout).toBe('[1] hello\n');
    const firstPid = daemonPid(cache)!;

    const other = await runIn(cache, { PROCBOX_CHROMIUM: links[1] });
    expect(other.stdout).toBe('[1] hello\n');
    expect(other.stderr).toMatch(/; daemon started\)/);
    await expect.poll(() => alive(firstPid)).toBe(false);
    const secondPid = daemonPid(cache)!;
    expect(secondPid).not.toBe(firstPid);

    process.kill(secondPid, 'SIGKILL'); // its lock and socket stay behind
    await expect.poll(() => alive(secondPid)).toBe(false);
    const env = { PROCBOX_CHROMIUM: links[1], PROCBOX_DAEMON_IDLE: '2' };
    const replaced = await runIn(cache, env);
    expect(replaced.code).toBe(0);
    expect(replaced.stdout).toBe('[1] hello\n');
    expect(replaced.stderr).toMatch(/; daemon started\)/);
    const thirdPid = daemonPid(cache)!;
    expect([firstPid, secondPid]).not.toContain(thirdPid);
    await expect.poll(() => alive(thirdPid), { timeout: 30_000 }).toBe(false);
    expect(daemonPid(cache)).toBeNull();
    expect(readFileSync(join(cache, 'daemon.log'), 'utf8')).toMatch(/leaving: idle/);
  });
});

test('procbox run --trace writes the timeline as Chrome Trace Event JSON: tracks and flows of the run', () => {
  const cwd = emptyDir();
  writeFileSync(join(cwd, 'main.py'), readFileSync(fileSource('15_producer_consumer.py')));
  const { code, stdout } = procbox(['run', '--plain', '--trace', 'trace.json', 'main.py'], '', cwd);
  expect(code).toBe(0);
  expect(stdout).toContain('Consumed 4');
  const { traceEvents } = JSON.parse(readFileSync(join(cwd, 'trace.json'), 'utf8')) as {
    traceEvents: { name: string; ph: string; cat?: string; pid: number; args?: { name: string } }[];
  };
  // A track per process, named as the process list names it. (Thread ids share the pid space,
  // as on Linux: the Queue's feeder thread may take pid 3 before the consumer starts.)
  const tracks = traceEvents.filter((e) => e.name === 'process_name');
  expect(tracks.map((e) => e.args?.name)).toEqual([
    'main.py (1)',
    'Process-1 (2)',
    expect.stringMatching(/^Process-2 \(\d+\)$/),
  ]);
  const consumer = tracks[2].pid;
  // Five items from the producer and the parent's None: six Queue arrows, all to the consumer.
  const flows = (ph: string, cat: string) =>
    traceEvents.filter((e) => e.ph === ph && e.cat === cat).map((e) => e.pid);
  expect(flows('s', 'item').sort()).toEqual([1, 2, 2, 2, 2, 2]);
  expect(flows('f', 'item')).toEqual(Array(6).fill(consumer));
  expect(flows('s', 'spawn')).toEqual([1, 1]);
  // Both children's ends reach the parent's joins, whether it waited or found one ended.
  expect(flows('f', 'join')).toEqual([1, 1]);
  expect(traceEvents.filter((e) => e.ph === 'X' && e.pid === 1).map((e) => e.name)).toContain(
    `blocked: join(${consumer})`,
  );
});
