/**
 * What the kernel shows of multiprocessing objects: the process list names what a process or
 * thread waits on after the object that made it ("Queue#1"), and the trace records each put,
 * get, send, recv, acquire and release, each Event set and the wait it ended, with its process,
 * thread and object.
 */
import { expect, script, test } from './fixtures';

const program = `
import multiprocessing as mp
import threading


def consumer(q, lock, go):
    go.wait()
    with lock:
        pass
    print("got", q.get(), flush=True)


if __name__ == "__main__":
    q = mp.Queue()
    lock = mp.Lock()
    go = mp.Event()
    a, b = mp.Pipe()
    p = mp.Process(target=consumer, args=(q, lock, go))
    p.start()
    go.set()
    waiter = threading.Thread(target=b.recv, name="waiter")
    waiter.start()
    input()
    q.put("hello")
    a.send("wake")
    waiter.join()
    lock.acquire()
    lock.release()
    p.join()
`;

test('the process list names the Queue and Pipe being waited on; the trace records each operation', async ({
  sandbox,
}) => {
  const page = sandbox.runner.page;
  const run = sandbox.start([script('ipc.py', program)]);
  const processes = () => page.evaluate(() => window.procboxHeadless.processes());
  // The child blocks in q.get(); the parent's thread in b.recv(); the parent's main thread in input().
  await expect.poll(processes, { timeout: 60_000 }).toEqual([
    expect.objectContaining({
      name: 'ipc.py',
      waitingOn: 'input()',
      threads: [expect.objectContaining({ name: 'waiter', waitingOn: 'Pipe#1' })],
    }),
    expect.objectContaining({ name: 'Process-1', state: 'blocked', waitingOn: 'Queue#1' }),
  ]);
  const [parent, child] = await processes();
  const waiterTid = parent.threads[0].tid;
  await sandbox.runner.writeStdin('\n');
  await run.done;
  expect(run.output()).toContain('got hello');

  const trace = await page.evaluate(() => window.procboxHeadless.trace());
  // The operations (not the switches of threads, `run`, which the Timeline's ready state reads).
  const ops = trace.flatMap(({ t: _t, ...event }) =>
    'object' in event && event.type !== 'run' ? [event] : [],
  );
  const ofChild = ops.filter((e) => e.pid === child.pid);
  const ofParent = ops.filter((e) => e.pid === parent.pid);
  // Each with the program's line that made it (`site`); the waiter thread's recv is
  // threading's own call of its target, with no line of the program's on the way.
  expect(ofChild).toEqual([
    { type: 'woken', pid: child.pid, tid: child.pid, object: 'Event#1', site: 'ipc.py:7' },
    { type: 'acquire', pid: child.pid, tid: child.pid, object: 'Lock#1', site: 'ipc.py:8' },
    { type: 'release', pid: child.pid, tid: child.pid, object: 'Lock#1', site: 'ipc.py:8' },
    { type: 'get', pid: child.pid, tid: child.pid, object: 'Queue#1', site: 'ipc.py:10' },
  ]);
  const own = { pid: parent.pid, tid: parent.pid };
  expect(ofParent).toEqual(
    expect.arrayContaining([
      { type: 'set', ...own, object: 'Event#1', site: 'ipc.py:20' },
      { type: 'put', ...own, object: 'Queue#1', site: 'ipc.py:24' },
      { type: 'send', ...own, object: 'Pipe#1', site: 'ipc.py:25' },
      { type: 'recv', pid: parent.pid, tid: waiterTid, object: 'Pipe#1' },
      { type: 'acquire', ...own, object: 'Lock#1', site: 'ipc.py:27' },
      { type: 'release', ...own, object: 'Lock#1', site: 'ipc.py:28' },
    ]),
  );
  expect(ofParent).toHaveLength(6);
});
