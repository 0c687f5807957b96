import { expect, expectResponsive, script, test } from './fixtures';

/** A traceback's outline: headers, the script's own frames, and exception lines (the stdlib's
 * frames and source lines differ between CPython versions and install paths). */
const outline = (stderr: string) =>
  stderr
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('    ') && !line.startsWith('  File "/lib/'));

const server = script(
  'server.py',
  `import asyncio


async def handle(reader, writer):
    writer.close()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 8899)
    print("serving", flush=True)
    try:
        async with server:
            await server.serve_forever()
    finally:
        print("cleaning up", flush=True)


asyncio.run(main())
`,
);

test("Ctrl-C during asyncio.run cancels the main task and prints CPython's traceback", async ({
  sandbox,
}) => {
  const run = sandbox.start([server]);
  await expect.poll(run.output).toContain('serving');
  await sandbox.runner.interrupt();
  const result = await run.done;
  expect(result.stdout).toBe('serving\ncleaning up\n');
  // What CPython on Linux prints for this program (recorded with python3, paths aside).
  expect(outline(result.stderr)).toEqual([
    'Traceback (most recent call last):',
    '  File "/home/user/server.py", line 13, in main',
    'asyncio.exceptions.CancelledError',
    'During handling of the above exception, another exception occurred:',
    'Traceback (most recent call last):',
    '  File "/home/user/server.py", line 18, in <module>',
    'KeyboardInterrupt',
  ]);
  expect(result.exitCode).toBe(-2);
});

test('Stop ends an asyncio server waiting in the kernel', async ({ sandbox }) => {
  const run = sandbox.start([server]);
  await expect.poll(run.output).toContain('serving');
  await expectResponsive(sandbox.runner.page);
  await sandbox.runner.stop();
  const result = await run.done;
  expect(result.exitCode).toBe(-9);
});

test('asyncio.sleep parks the loop in the kernel until its timer ends, never spinning', async ({
  sandbox,
}) => {
  const page = sandbox.runner.page;
  const run = sandbox.start([
    script(
      'sleepers.py',
      `import asyncio

async def main():
    print("sleeping", flush=True)
    await asyncio.gather(*(asyncio.sleep(30) for _ in range(100)))

asyncio.run(main())
`,
    ),
  ]);
  await expect.poll(run.output).toContain('sleeping');
  // The selector's poll waits in the kernel on the loop's self-pipe (a socketpair: two rings,
  // one name), with the nearest timer as its timeout: the process is blocked there, not running.
  await expect
    .poll(() => page.evaluate(() => window.procboxHeadless.processes()))
    .toEqual([
      expect.objectContaining({
        name: 'sleepers.py',
        state: 'blocked',
        waitingOn: 'EventLoop#1', // its two rings, named the loop's
      }),
    ]);
  await sandbox.runner.stop();
  await run.done;
});

test('debug=True reports slow callbacks and never-awaited coroutines as CPython does', async ({
  sandbox,
}) => {
  const result = await sandbox.run([
    script(
      'debug.py',
      `import asyncio
import time


async def slow():
    time.sleep(0.2)  # blocks the event loop


async def forgotten():
    pass


async def main():
    await slow()
    forgotten()
    await asyncio.sleep(0)


asyncio.run(main(), debug=True)
print("done")
`,
    ),
  ]);
  expect(result.stdout).toBe('done\n');
  const lines = result.stderr.split('\n');
  // CPython 3.14 prints these lines; the stdlib's frames between them name its own paths.
  expect(lines.slice(0, 4)).toEqual([
    "/home/user/debug.py:15: RuntimeWarning: coroutine 'forgotten' was never awaited",
    'Coroutine created at (most recent call last)',
    '  File "/home/user/debug.py", line 19, in <module>',
    '    asyncio.run(main(), debug=True)',
  ]);
  expect(lines).toContain('    self._context.run(self._callback, *self._args)');
  expect(lines).toContain('  File "/home/user/debug.py", line 15, in main');
  expect(lines).toContain(
    'RuntimeWarning: Enable tracemalloc to get the object allocation traceback',
  );
  expect(result.stderr).toMatch(
    /\nExecuting <Task pending name='Task-1' coro=<main\(\) running at \/home\/user\/debug\.py:16> cb=\[_run_until_complete_cb\(\) at \/lib\/python314\.zip\/asyncio\/base_events\.py:\d+\] created at \/lib\/python314\.zip\/asyncio\/runners\.py:\d+> took 0\.\d+ seconds\n$/,
  );
  expect(result.exitCode).toBe(0);
});
