/**
 * Deadlock detection: when every thread of a run waits and none can wake another, the kernel
 * says so at once, naming the cycle, in the console (the CLI's stderr, and the page's console),
 * and on the timeline. Waiting for typed input is not a deadlock.
 */
import type { Page } from '@playwright/test';
import type { TraceEvent } from '../../workers/protocol/kernel';
import { expect, script, test } from './fixtures';

const TWO_LOCKS = `import threading
import time

a = threading.Lock()
b = threading.Lock()


def one():
    with a:
        time.sleep(0.1)
        with b:
            print("one")


def two():
    with b:
        time.sleep(0.1)
        with a:
            print("two")


t1 = threading.Thread(target=one)
t2 = threading.Thread(target=two)
t1.start()
t2.start()
t1.join()
t2.join()
`;

// The multiprocessing docs' "joining processes that use queues" example.
const FULL_QUEUE = `from multiprocessing import Process, Queue


def f(q):
    q.put("X" * 1000000)


if __name__ == "__main__":
    queue = Queue()
    p = Process(target=f, args=(queue,))
    p.start()
    p.join()  # this deadlocks
    obj = queue.get()
`;

const trace = (page: Page) =>
  page.evaluate(() => window.procboxHeadless.trace()) as Promise<TraceEvent[]>;
const deadlocks = (events: TraceEvent[]) => events.filter((e) => e.type === 'deadlock');

/** `text` as a pattern where `pid A`, `pid B` stand for any pids, the same one each time they
 * recur (a sandbox's pids go on from run to run). */
function withPids(text: string): RegExp {
  const seen: string[] = [];
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const source = escaped.replace(/pid ([A-Z])/g, (_, name: string) => {
    const index = seen.indexOf(name);
    if (index >= 0) return `pid \\${index + 1}`;
    seen.push(name);
    return 'pid (\\d+)';
  });
  return new RegExp(`^${source}$`);
}

test('two threads taking two locks in opposite orders: reported within 2 s, the cycle named', async ({
  sandbox,
}) => {
  const run = sandbox.start([script('main.py', TWO_LOCKS)]);
  const page = sandbox.runner.page;
  await expect.poll(async () => deadlocks(await trace(page)), { timeout: 30_000 }).toHaveLength(1);
  expect(sandbox.notices).toHaveLength(1);
  expect(sandbox.notices[0]).toMatch(
    withPids(
      'deadlock:deadlock: Thread-1 (one) (pid A) waits for threading.Lock#2 at main.py:11, held ' +
        'by Thread-2 (two) (pid A), which waits for threading.Lock#1 at main.py:18, held by ' +
        'Thread-1 (one) (pid A)',
    ),
  );
  // From the moment the cycle closed (the second thread's last lock taken, plus its 0.1 s
  // sleep) to the report, by the kernel's clock.
  const events = await trace(page);
  const lastTaken = events.filter((e) => e.type === 'acquire').at(-1)!;
  const report = deadlocks(events)[0];
  expect(report.t - lastTaken.t - 100).toBeLessThan(2_000);
  await sandbox.runner.stop();
  expect((await run.done).stdout).toBe('');
});

test('the docs’ classic: a parent joins a child whose Queue feeder cannot finish', async ({
  sandbox,
}) => {
  const run = sandbox.start([script('main.py', FULL_QUEUE)]);
  await expect.poll(() => sandbox.notices, { timeout: 30_000 }).toHaveLength(1);
  expect(sandbox.notices[0]).toMatch(
    withPids(
      'deadlock:deadlock: MainThread (pid A) waits for Process-1 (pid B) to exit at main.py:12, ' +
        'whose MainThread waits for QueueFeederThread to end, which waits to write to Queue#1 ' +
        '(full), read by MainThread (pid A)',
    ),
  );
  await sandbox.runner.stop();
  await run.done;
});

test('multiprocessing locks taken in opposite orders by two processes', async ({ sandbox }) => {
  const run = sandbox.start([
    script(
      'main.py',
      `import multiprocessing as mp


def worker(a, b, both_hold_one):
    with b:
        both_hold_one.wait()
        with a:
            print("child got both")


if __name__ == "__main__":
    a = mp.Lock()
    b = mp.Lock()
    both_hold_one = mp.Barrier(2)
    p = mp.Process(target=worker, args=(a, b, both_hold_one))
    p.start()
    with a:
        both_hold_one.wait()
        with b:
            print("parent got both")
    p.join()
`,
    ),
  ]);
  await expect.poll(() => sandbox.notices, { timeout: 30_000 }).toHaveLength(1);
  expect(sandbox.notices[0]).toMatch(
    withPids(
      'deadlock:deadlock: MainThread (pid A) waits for Lock#2 at main.py:19, held by MainThread ' +
        '(pid B), which waits for Lock#1 at main.py:7, held by MainThread (pid A)',
    ),
  );
  await sandbox.runner.stop();
  await run.done;
});

test('a thread waiting on a lock while the main thread waits for typed input is no deadlock', async ({
  sandbox,
}) => {
  const run = sandbox.start([
    script(
      'main.py',
      `import threading

lock = threading.Lock()
lock.acquire()
waiter = threading.Thread(target=lock.acquire)
waiter.start()
name = input("name? ")
lock.release()
waiter.join()
print("hello", name)
`,
    ),
  ]);
  const page = sandbox.runner.page;
  await expect.poll(run.output, { timeout: 30_000 }).toContain('name? ');
  const inInput = () =>
    page.evaluate(() => window.procboxHeadless.processes().some((p) => p.waitingOn === 'input()'));
  await expect.poll(inInput).toBe(true);
  // The detector decides within half a second of the last thread parking: wait four times that.
  await page.waitForTimeout(2_000);
  await sandbox.runner.writeStdin('Ada\n');
  const result = await run.done;
  expect(result.stdout).toBe('name? hello Ada\n');
  expect(sandbox.notices).toEqual([]);
  expect(deadlocks(await trace(page))).toEqual([]);
});
