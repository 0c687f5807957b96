import { expect, expectResponsive, script, test } from './fixtures';

const spinning = script(
  'spin.py',
  `import multiprocessing as mp

def spin():
    while True:
        pass

if __name__ == "__main__":
    for _ in range(3):
        mp.Process(target=spin).start()
    print("spinning", flush=True)
    spin()
`,
);

test('Stop ends four processes spinning in while True, and the page stays responsive', async ({
  sandbox,
}) => {
  const run = sandbox.start([spinning]);
  await expect.poll(run.output).toContain('spinning');
  await expectResponsive(sandbox.runner.page); // while four workers spin
  await sandbox.runner.stop();
  const result = await run.done;
  expect(result.exitCode).toBe(-9);
});

test('Ctrl-C raises KeyboardInterrupt in a sleeping process, with its traceback', async ({
  sandbox,
}) => {
  const run = sandbox.start([
    script('sleepy.py', 'import time\nprint("sleeping", flush=True)\ntime.sleep(60)\n'),
  ]);
  await expect.poll(run.output).toContain('sleeping');
  await sandbox.runner.interrupt();
  const result = await run.done;
  expect(result.stderr).toBe(
    'Traceback (most recent call last):\n' +
      '  File "/home/user/sleepy.py", line 3, in <module>\n' +
      '    time.sleep(60)\n' +
      '    ~~~~~~~~~~^^^^\n' +
      'KeyboardInterrupt\n',
  );
  expect(result.exitCode).toBe(-2);
});

test('Ctrl-C interrupts a pure-Python loop, and a handler can catch it', async ({ sandbox }) => {
  const run = sandbox.start([
    script(
      'loop.py',
      'print("looping", flush=True)\ntry:\n    while True:\n        pass\nexcept KeyboardInterrupt:\n    print("caught")\n',
    ),
  ]);
  await expect.poll(run.output).toContain('looping');
  await sandbox.runner.interrupt();
  const result = await run.done;
  expect(result.stdout).toBe('looping\ncaught\n');
  expect(result.exitCode).toBe(0);
});

test('Ctrl-C reaches the children of the foreground process too', async ({ sandbox }) => {
  const run = sandbox.start([
    script(
      'family.py',
      `import multiprocessing as mp, time

def child():
    time.sleep(60)

if __name__ == "__main__":
    p = mp.Process(target=child)
    p.start()
    print("started", flush=True)
    try:
        p.join()
    except KeyboardInterrupt:
        p.join()
        print("parent caught; child exit code", p.exitcode)
`,
    ),
  ]);
  await expect.poll(run.output).toContain('started');
  await expect.poll(() => sandbox.runner.page.evaluate(() => 0)).toBe(0);
  await new Promise((resolve) => setTimeout(resolve, 300)); // the child reaches its sleep
  await sandbox.runner.interrupt();
  const result = await run.done;
  expect(result.stdout).toContain('parent caught; child exit code 1\n');
  expect(result.stderr).toContain('Process Process-1:\n');
  expect(result.stderr).toMatch(/KeyboardInterrupt\n$/);
});

test('a signal sent to a child before it has run a line reaches its inherited handler', async ({
  sandbox,
}) => {
  // start() returns before the child's worker runs (as fork does); the kernel keeps the signal,
  // and the child's Python sees it only once its layer is its own (it used to crash there).
  const result = await sandbox.run([
    script(
      'early.py',
      `import multiprocessing as mp, os, signal, time

def handler(signum, frame):
    print("child got", signal.Signals(signum).name, flush=True)

def child():
    time.sleep(0.3)
    print("child done", flush=True)

if __name__ == "__main__":
    signal.signal(signal.SIGUSR1, handler)
    children = [mp.Process(target=child) for _ in range(4)]
    for p in children:
        p.start()
        os.kill(p.pid, signal.SIGUSR1)
    for p in children:
        p.join()
        print("exit code", p.exitcode)
`,
    ),
  ]);
  expect(result.stderr).toBe('');
  expect(result.stdout.split('\n').sort().join('\n')).toBe(
    [
      '',
      ...Array(4).fill('child done'),
      ...Array(4).fill('child got SIGUSR1'),
      ...Array(4).fill('exit code 0'),
    ].join('\n'),
  );
});

test('64 processes live at once, and a fork bomb stops there with a clear error', async ({
  sandbox,
}) => {
  test.setTimeout(240_000);
  const result = await sandbox.run([
    script(
      'bomb.py',
      `import multiprocessing as mp, time

if __name__ == "__main__":
    started = 0
    try:
        while True:
            # Longer than 63 starts take on a loaded machine: none may end and free a slot.
            mp.Process(target=time.sleep, args=(3600,), daemon=True).start()
            started += 1
    except OSError as error:
        print(type(error).__name__, error.errno, started)
`,
    ),
  ]);
  expect(result.stdout).toBe('BlockingIOError 11 63\n');
  expect(sandbox.notices).toContain('processLimit:64');
  expect(result.exitCode).toBe(0);
});

test('a fork bomb through subprocess meets the same limit, and children start again after', async ({
  sandbox,
}) => {
  test.setTimeout(240_000);
  const result = await sandbox.run([
    script(
      'bomb.py',
      `import subprocess, sys
children = []
try:
    while True:
        children.append(subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3600)"]))
except OSError as error:
    print(type(error).__name__, error.errno, len(children))
for child in children:
    child.kill()
print(sorted({child.wait() for child in children}))
print(subprocess.run([sys.executable, "-c", "print('after')"], capture_output=True).stdout)
`,
    ),
  ]);
  expect(result.stdout).toBe("BlockingIOError 11 63\n[-9]\nb'after\\n'\n");
  expect(sandbox.notices).toContain('processLimit:64');
  await expectResponsive(sandbox.runner.page);
});

test('a program flooding the console keeps the page responsive, and Stop ends it', async ({
  sandbox,
}) => {
  const run = sandbox.start([
    script('flood.py', 'i = 0\nwhile True:\n    print("flood", i)\n    i += 1\n'),
  ]);
  await expect.poll(() => run.output().length).toBeGreaterThan(10_000);
  await expectResponsive(sandbox.runner.page);
  await sandbox.runner.stop();
  const result = await run.done;
  expect(result.exitCode).toBe(-9);
  // Nothing lost or reordered: the lines count up from 0 without a gap.
  const lines = result.stdout.split('\n').filter(Boolean);
  lines.forEach((line, i) => expect(line).toBe(`flood ${i}`));
});
