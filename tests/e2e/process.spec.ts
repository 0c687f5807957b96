import { readFileSync } from 'node:fs';
import { SAME_CHUNKS_MODULE, SAME_MODULE } from '../../workers/runtime/page-tests';
import { PATCH_APPLY_MODULE, PATCH_WRITE_MODULE } from '../../workers/runtime/patch-copies';
import { expect, script, test } from './fixtures';

test('os.cpu_count() is navigator.hardwareConcurrency; pids are distinct', async ({ sandbox }) => {
  const cores = await sandbox.runner.page.evaluate(() => navigator.hardwareConcurrency);
  const result = await sandbox.run([
    script(
      'ids.py',
      `import multiprocessing as mp, os

def child():
    print("child", os.getpid(), os.getppid())

if __name__ == "__main__":
    print("cpus", os.cpu_count())
    print("parent", os.getpid(), os.getppid())
    p = mp.Process(target=child)
    p.start()
    p.join()
`,
    ),
  ]);
  const [cpus, parent, child] = result.stdout.trim().split('\n');
  expect(cpus).toBe(`cpus ${cores}`);
  const [parentPid, parentPpid] = parent.split(' ').slice(1).map(Number);
  expect(parentPpid).toBe(0);
  expect(child).toBe(`child ${parentPid + 1} ${parentPid}`);
});

test('every process reads the Python layer from one copy, read-only as /usr/lib is', async ({
  sandbox,
}) => {
  const result = await sandbox.run([
    script(
      'layer.py',
      `import multiprocessing as mp, os, procbox.main

PATH = procbox.main.__file__

def first_line(path=PATH):
    with open(path) as f:
        return f.readline().rstrip()

EXPECTED = first_line()

def child(method):
    print(method, first_line() == EXPECTED)

if __name__ == "__main__":
    print(oct(os.stat(PATH).st_mode & 0o777), EXPECTED.startswith('"""'))
    try:
        open(PATH, "r+").write("#")
    except PermissionError as error:
        print("PermissionError", error.errno)
    for method in ("fork", "spawn"):
        p = mp.get_context(method).Process(target=child, args=(method,))
        p.start()
        p.join()
`,
    ),
  ]);
  expect(result.stdout.trim().split('\n')).toEqual([
    '0o444 True',
    'PermissionError 13',
    'fork True',
    'spawn True',
  ]);
});

test('time.sleep shows its process asleep; the trace records spawn, the wait, signal and exit', async ({
  sandbox,
}) => {
  const page = sandbox.runner.page;
  const run = sandbox.start([
    script('nap.py', 'import time\nprint("napping", flush=True)\ntime.sleep(30)\n'),
  ]);
  await expect.poll(run.output).toContain('napping');
  await expect
    .poll(() => page.evaluate(() => window.procboxHeadless.processes()))
    .toEqual([expect.objectContaining({ name: 'nap.py', state: 'blocked', waitingOn: 'sleep' })]);
  const [{ pid }] = await page.evaluate(() => window.procboxHeadless.processes());
  await sandbox.runner.interrupt();
  await run.done;
  const trace = await page.evaluate(() => window.procboxHeadless.trace());
  expect(trace.map(({ t: _t, ...event }) => event)).toEqual([
    { type: 'spawn', pid, ppid: 0, name: 'nap.py', method: 'script' },
    { type: 'wait', pid, tid: pid, on: 'sleep' },
    { type: 'signal', from: null, to: pid, signal: 2 },
    // The signal cut the sleep short: it runs again, to raise KeyboardInterrupt.
    { type: 'wait', pid, tid: pid, on: null },
    { type: 'exit', pid, code: -2 },
  ]);
});

test('recursion too deep for the browser ends in RecursionError, not a dead tab', async ({
  sandbox,
}) => {
  const source = readFileSync(
    new URL('../fidelity/programs/deep_recursion.py', import.meta.url),
    'utf8',
  );
  const caught = await sandbox.run([script('deep_recursion.py', source)]);
  expect(caught.stdout).toBe('caught maximum recursion depth exceeded\nstill alive\n');
  expect(caught.stderr).toContain('RuntimeWarning: recursion limit 1000000 lowered to 5000');
  const uncaught = await sandbox.run([
    script(
      'deeper.py',
      'import sys\nsys.setrecursionlimit(10**6)\ndef f(n):\n    return f(n + 1)\nf(0)\n',
    ),
  ]);
  expect(uncaught.stderr).toMatch(/RecursionError: maximum recursion depth exceeded\n$/);
  expect(uncaught.exitCode).toBe(1);
  // The sandbox still runs programs afterwards.
  expect((await sandbox.run([script('ok.py', 'print("ok")\n')])).stdout).toBe('ok\n');
});

test('a fork’s page compare (WebAssembly multi-memory SIMD) finds any byte that differs', async ({
  sandbox,
}) => {
  // The module the fork image is told against the snapshot with (runtime/page-tests.ts): Node
  // lacks multi-memory, so Chromium runs it. The base is shared, and offset by an odd amount.
  const results = await sandbox.runner.page.evaluate((bytes) => {
    const PAGE = 4096;
    const SHIFT = 100;
    const module = new WebAssembly.Module(new Uint8Array(bytes));
    const memory = new WebAssembly.Memory({ initial: 1 }); // 16 pages of 4 KiB
    const base = new WebAssembly.Memory({ initial: 2, maximum: 2, shared: true });
    const { same } = new WebAssembly.Instance(module, { m: { memory, base } }).exports as {
      same(at: number, from: number, end: number): number;
    };
    const own = new Uint8Array(memory.buffer);
    const theirs = new Uint8Array(base.buffer);
    for (let i = 0; i < own.length; i++) own[i] = theirs[i + SHIFT] = (i * 31) & 255;
    const offsets = [0, 1, 15, 16, 63, 64, 2047, 4031, 4032, 4095];
    offsets.forEach((offset, k) => (own[(k + 1) * PAGE + offset] ^= 0x80)); // pages 1–10
    theirs[12 * PAGE + 4095 + SHIFT] ^= 1; // page 12: the base's byte differs
    own[15 * PAGE + 4095] ^= 2; // the memory's last byte
    return Array.from({ length: 16 }, (_, page) =>
      same(page * PAGE, page * PAGE + SHIFT, (page + 1) * PAGE),
    );
  }, Array.from(SAME_MODULE));
  expect(results).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 0]);
});

test('a fork’s patches (WebAssembly multi-memory) are written into the fork area and applied exactly', async ({
  sandbox,
}) => {
  // runtime/patch-copies.ts: the parent writes a page's chunks that its mask marks into the
  // fork area (in the snapshot's shared memory); the child puts back the base's page (or zero)
  // and lays the chunks on it. Multi-memory: Chromium runs it.
  const result = await sandbox.runner.page.evaluate(
    ([writeBytes, applyBytes]) => {
      const PAGE = 4096;
      const memory = new WebAssembly.Memory({ initial: 1 }); // 16 pages of 4 KiB
      const base = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
      const imports = { m: { memory, base } };
      const instance = (bytes: number[]) =>
        new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(bytes)), imports).exports;
      const { write } = instance(writeBytes) as { write(f: number, m: number, t: number): number };
      const { apply } = instance(applyBytes) as { apply(t: number, f: number, p: number): number };
      const own = new Uint8Array(memory.buffer);
      const shared = new Uint8Array(base.buffer);
      for (let i = 0; i < 2 * PAGE; i++) own[i] = (i * 7) & 255; // the parent's pages 0 and 1
      shared.fill(9, 3 * PAGE, 4 * PAGE); // the base's page 3
      const mask = 1 | (1 << 5) | (1 << 31) | 0;
      const AREA = 8 * PAGE + 100; // a slot, at an odd place
      const wrote = write(PAGE, mask, AREA);
      const header = [...shared.subarray(AREA, AREA + 4)];
      own.fill(1, 4 * PAGE, 6 * PAGE); // the child's pages 4 and 5, its own bytes
      const applied = apply(4 * PAGE, AREA, 3 * PAGE); // put back from the base's page 3
      const zeroed = apply(5 * PAGE, AREA, -2); // put back a zero page
      const kept = apply(6 * PAGE, AREA, -1); // the page is the base's already (here zero)
      const expected = (page: number, other: number) =>
        Array.from({ length: PAGE }, (_, i) =>
          [0, 5, 31].includes(i >> 7) ? ((page + i) * 7) & 255 : other,
        );
      const same = (at: number, other: number) =>
        own.subarray(at, at + PAGE).every((byte, i) => byte === expected(PAGE, other)[i]);
      return {
        wrote,
        header,
        applied,
        zeroed,
        kept,
        fromBase: same(4 * PAGE, 9),
        fromZero: same(5 * PAGE, 0),
        asItWas: same(6 * PAGE, 0),
      };
    },
    [Array.from(PATCH_WRITE_MODULE), Array.from(PATCH_APPLY_MODULE)],
  );
  const bytes = 4 + 3 * 128; // the mask, then three chunks
  expect(result).toEqual({
    wrote: bytes,
    header: [0x21, 0x00, 0x00, 0x80], // the mask, little-endian
    applied: bytes,
    zeroed: bytes,
    kept: bytes,
    fromBase: true,
    fromZero: true,
    asItWas: true,
  });
});

test('a fork’s chunk compare (the patches of a fork image) finds each chunk that differs', async ({
  sandbox,
}) => {
  // SAME_CHUNKS_MODULE (runtime/page-tests.ts): which of a page's 32 chunks of 128 bytes differ
  // from the base's. Multi-memory again: Chromium runs it.
  const masks = await sandbox.runner.page.evaluate((bytes) => {
    const PAGE = 4096;
    const SHIFT = 100;
    const module = new WebAssembly.Module(new Uint8Array(bytes));
    const memory = new WebAssembly.Memory({ initial: 1 });
    const base = new WebAssembly.Memory({ initial: 2, maximum: 2, shared: true });
    const { chunks } = new WebAssembly.Instance(module, { m: { memory, base } }).exports as {
      chunks(at: number, from: number): number;
    };
    const own = new Uint8Array(memory.buffer);
    const theirs = new Uint8Array(base.buffer);
    for (let i = 0; i < own.length; i++) own[i] = theirs[i + SHIFT] = (i * 31) & 255;
    own[PAGE + 0] ^= 1; // page 1: chunk 0's first byte, chunk 7's last, chunk 31's last
    own[PAGE + 7 * 128 + 127] ^= 1;
    own[PAGE + 4095] ^= 1;
    theirs[3 * PAGE + 16 * 128 + 64 + SHIFT] ^= 1; // page 3: the base's byte in chunk 16
    for (let i = 5 * PAGE; i < 6 * PAGE; i += 128) own[i + 3] ^= 1; // page 5: every chunk
    return Array.from({ length: 16 }, (_, page) => chunks(page * PAGE, page * PAGE + SHIFT) >>> 0);
  }, Array.from(SAME_CHUNKS_MODULE));
  const expected = Array<number>(16).fill(0);
  expected[1] = (1 | (1 << 7) | (1 << 31)) >>> 0;
  expected[3] = 1 << 16;
  expected[5] = 0xffffffff;
  expect(masks).toEqual(expected);
});
