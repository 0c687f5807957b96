/**
 * Green threads, beyond what the fidelity cases compare with CPython: scheduling (preemption,
 * wake-ups, the switch interval), blocking that blocks one thread only, Ctrl-C in join(), the
 * kernel's view of threads, and a stress run. Timing bounds are loose: they tell a thread that
 * was scheduled from one that starved, not fast from slow.
 */
import type { ProcessInfo, TraceEvent } from '../../workers/protocol/kernel';
import { buildTimeline } from '../../src/timeline/model';
import { expect, script, test } from './fixtures';

test('a sleeping thread wakes on time beside a thread spinning in pure Python', async ({
  sandbox,
}) => {
  const result = await sandbox.run([
    script(
      'wake.py',
      `import threading, time

def spin():
    end = time.monotonic() + 2.0
    while time.monotonic() < end:
        pass

def sleeper():
    started = time.monotonic()
    time.sleep(0.2)
    late = time.monotonic() - started - 0.2
    print("woke on time" if late < 0.5 else f"woke {late:.2f} s late")

spinner = threading.Thread(target=spin)
spinner.start()
sleeper_thread = threading.Thread(target=sleeper)
sleeper_thread.start()
sleeper_thread.join()
spinner.join()
`,
    ),
  ]);
  expect(result.stdout).toBe('woke on time\n');
  expect(result.exitCode).toBe(0);
});

test('threads spinning in pure Python are preempted at the switch interval', async ({
  sandbox,
}) => {
  const result = await sandbox.run([
    script(
      'slices.py',
      `import sys, threading, time

def measure(interval):
    sys.setswitchinterval(interval)
    owner = [None]
    switches = [0]
    def spin(name):
        end = time.monotonic() + 0.6
        while time.monotonic() < end:
            if owner[0] != name:
                owner[0] = name
                switches[0] += 1
    threads = [threading.Thread(target=spin, args=(n,)) for n in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return switches[0]

fine = measure(0.005)
coarse = measure(0.1)
print("interleaved:", fine > 10)
print("a longer interval switches less:", coarse * 3 < fine)
print("switches:", fine, coarse, file=sys.stderr)
`,
    ),
  ]);
  expect(result.stdout).toBe('interleaved: True\na longer interval switches less: True\n');
});

test('input() in a thread blocks only that thread', async ({ sandbox }) => {
  const run = sandbox.start([
    script(
      'reader.py',
      `import threading, time
got = []
reader = threading.Thread(target=lambda: got.append(input()))
reader.start()
for i in range(3):
    print("main works", i, flush=True)
    time.sleep(0.05)
print("main waits for input", flush=True)
reader.join()
print("read", got)
`,
    ),
  ]);
  await expect.poll(run.output).toContain('main waits for input');
  await sandbox.runner.writeStdin('hello\n');
  const result = await run.done;
  expect(result.stdout).toBe(
    "main works 0\nmain works 1\nmain works 2\nmain waits for input\nread ['hello']\n",
  );
});

test('Ctrl-C while the main thread is in join() raises KeyboardInterrupt there; non-daemon threads still finish', async ({
  sandbox,
}) => {
  const run = sandbox.start([
    script(
      'join.py',
      `import threading, time

def work():
    for _ in range(20):
        time.sleep(0.05)
    print("worker finished", flush=True)

t = threading.Thread(target=work)
t.start()
print("joining", flush=True)
t.join()
`,
    ),
  ]);
  await expect.poll(run.output).toContain('joining');
  await sandbox.runner.interrupt();
  const result = await run.done;
  expect(result.stdout).toBe('joining\nworker finished\n');
  expect(result.stderr).toContain(
    '  File "/home/user/join.py", line 11, in <module>\n    t.join()',
  );
  expect(result.stderr).toMatch(/in join\n.*\n.*\nKeyboardInterrupt\n$/);
  expect(result.exitCode).toBe(-2);
});

test('the process list and the trace show each process’s threads', async ({ sandbox }) => {
  const run = sandbox.start([
    script(
      'named.py',
      `import threading
stop = threading.Event()
for name in ("alpha", "beta"):
    threading.Thread(target=stop.wait, name=name).start()
print("started", flush=True)
import sys
sys.stdin.readline()
stop.set()
`,
    ),
  ]);
  await expect.poll(run.output).toContain('started');
  const page = sandbox.runner.page;
  const threadNames = () =>
    page.evaluate(() =>
      (window.procboxHeadless.processes() as ProcessInfo[]).flatMap((p) =>
        p.threads.map((t) => t.name),
      ),
    );
  await expect.poll(threadNames).toEqual(['alpha', 'beta']);
  await sandbox.runner.writeStdin('\n');
  await run.done;
  const trace = (await page.evaluate(() => window.procboxHeadless.trace())) as TraceEvent[];
  const kinds = trace.filter((e) => e.type.startsWith('thread')).map((e) => e.type);
  expect(kinds.filter((k) => k === 'thread-start')).toHaveLength(2);
  expect(kinds.filter((k) => k === 'thread-exit')).toHaveLength(2);
  expect(await threadNames()).toEqual([]);
});

test('200 threads contending for one lock, with garbage collection, run repeatedly', async ({
  sandbox,
}) => {
  const stress = script(
    'stress.py',
    `import gc, threading

lock = threading.Lock()
total = 0

def work(i):
    global total
    garbage = [[i] * 10 for _ in range(50)]
    for n in range(100):
        with lock:
            total += 1
        if n == 50:
            gc.collect()  # walks every suspended thread's frames (pyodide #6464)
    del garbage

for round in range(3):
    threads = [threading.Thread(target=work, args=(i,)) for i in range(200)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
print(total, threading.active_count())
`,
  );
  for (let attempt = 0; attempt < 3; attempt++) {
    const result = await sandbox.run([stress]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('60000 1\n');
  }
});

test('Ctrl-C reaches the main thread while another thread spins; handlers run in the main thread', async ({
  sandbox,
}) => {
  const run = sandbox.start([
    script(
      'spinjoin.py',
      `import signal, threading, time

def spin():
    end = time.monotonic() + 30
    while time.monotonic() < end:
        pass

def handler(signum, frame):
    print("handler runs in", threading.current_thread().name, flush=True)
    signal.signal(signal.SIGINT, signal.default_int_handler)

signal.signal(signal.SIGINT, handler)
t = threading.Thread(target=spin, daemon=True)
t.start()
print("joining", flush=True)
try:
    while True:
        t.join(0.5)
except KeyboardInterrupt:
    print("main caught KeyboardInterrupt in join", flush=True)
`,
    ),
  ]);
  await expect.poll(run.output).toContain('joining');
  await sandbox.runner.interrupt();
  await expect.poll(run.output).toContain('handler runs in MainThread');
  await sandbox.runner.interrupt();
  const result = await run.done;
  expect(result.stdout).toBe(
    'joining\nhandler runs in MainThread\nmain caught KeyboardInterrupt in join\n',
  );
  expect(result.exitCode).toBe(0);
});

test('an Event’s set and a Condition’s notify reach the waits they end: wake arrows, threads and processes', async ({
  sandbox,
}) => {
  const result = await sandbox.run([
    script(
      'events.py',
      `import multiprocessing as mp
import threading

ready = threading.Event()
cond = threading.Condition()
items = []


def waiter():
    ready.wait()
    print("waiter saw the event")


def consumer():
    with cond:
        cond.wait_for(lambda: items)
        print("consumer got", items.pop())


def child(ev):
    ev.wait()
    print("child saw the event")


if __name__ == "__main__":
    threads = [threading.Thread(target=waiter), threading.Thread(target=consumer)]
    for t in threads:
        t.start()
    ev = mp.Event()
    p = mp.Process(target=child, args=(ev,))
    p.start()
    ready.set()
    with cond:
        items.append(1)
        cond.notify()
    ev.set()
    for t in threads:
        t.join()
    p.join()
`,
    ),
  ]);
  expect(result.stdout.split('\n').filter(Boolean).sort()).toEqual([
    'child saw the event',
    'consumer got 1',
    'waiter saw the event',
  ]);
  const trace = (await sandbox.runner.page.evaluate(() =>
    window.procboxHeadless.trace(),
  )) as TraceEvent[];
  const wakes = buildTimeline(trace)
    .arrows.filter((a) => a.kind === 'wake')
    .map((a) => a.object);
  // Each wait may have started after its set (and then never blocked): still a hand-over.
  expect(wakes.sort()).toEqual(['Event#1', 'threading.Condition#1', 'threading.Event#1']);
});
