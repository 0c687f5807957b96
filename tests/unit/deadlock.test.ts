import { describe, expect, it } from 'vitest';
import type { StuckThread } from '../../workers/protocol/deadlock';
import { Poll, type Rings } from '../../workers/protocol/ipc';
import { findDeadlock, type WaitWorld } from '../../workers/kernel/deadlock';
import { deadlockText } from '../../src/timeline/deadlock-text';
import { buildTimeline } from '../../src/timeline/model';

interface FakeProcess {
  pid: number;
  name: string;
  threads?: [number, string][];
  stuck: StuckThread[] | null;
  ppid?: number;
}

/** A kernel of a few processes: semaphores by value and holders, pipes by fd. */
function world(
  processes: FakeProcess[],
  objects: {
    sems?: Record<number, { value: number; name: string; holders: [number, number][] }>;
    fds?: Record<string, Rings & { sock?: number }>;
    ringEvents?: Record<string, number>;
    ringHolders?: Record<string, number[]>;
    names?: Record<number, string>;
  } = {},
): WaitWorld {
  return {
    processes: processes.map((p) => ({
      pid: p.pid,
      name: p.name,
      threads: new Map(p.threads ?? []),
      stuck: p.stuck,
    })),
    semValue: (sem) => objects.sems?.[sem]?.value ?? 0,
    semHolders: (sem) => (objects.sems?.[sem]?.holders ?? []).map(([pid, tid]) => ({ pid, tid })),
    describe: (object) => objects.sems?.[object]?.name ?? objects.names?.[object] ?? null,
    fd: (pid, fd) => objects.fds?.[`${pid}:${fd}`],
    ringEvents: (ring, end) => objects.ringEvents?.[`${ring}${end}`] ?? 0,
    ringHolders: (ring, end) => objects.ringHolders?.[`${ring}${end}`] ?? [],
    children: (pid) => processes.filter((p) => p.ppid === pid).map((p) => p.pid),
  };
}

const lock = (object: string, holder: number | null, line: string | null = null) =>
  ({ kind: 'lock', object, holder, line }) as const;

describe('findDeadlock', () => {
  /** Two threads each hold one lock and want the other; the main thread joins the first. */
  const twoLocks: FakeProcess = {
    pid: 3,
    name: 'main.py',
    threads: [
      [4, 'Thread-1'],
      [5, 'Thread-2'],
    ],
    stuck: [
      { tid: 3, wait: { kind: 'join', tid: 4, line: 'main.py:20' } },
      { tid: 4, wait: lock('threading.Lock#2', 5, 'main.py:9') },
      { tid: 5, wait: lock('threading.Lock#1', 4, 'main.py:14') },
    ],
  };

  it('finds two threads each waiting for the lock the other holds', () => {
    const report = findDeadlock(world([twoLocks]))!;
    expect(report.cycle.map((l) => [l.thread, l.object])).toEqual([
      ['Thread-1', 'threading.Lock#2'],
      ['Thread-2', 'threading.Lock#1'],
    ]);
    expect(report.stuck).toHaveLength(3);
    expect(deadlockText(report, 'en')).toBe(
      'deadlock: Thread-1 (pid 3) waits for threading.Lock#2 at main.py:9, held by Thread-2 ' +
        '(pid 3), which waits for threading.Lock#1 at main.py:14, held by Thread-1 (pid 3)',
    );
    expect(deadlockText(report, 'zh-CN')).toBe(
      '死锁：Thread-1 (pid 3) 等待 threading.Lock#2 (main.py:9)，它由 Thread-2 (pid 3) 持有，' +
        '后者等待 threading.Lock#1 (main.py:14)，它由 Thread-1 (pid 3) 持有',
    );
  });

  it('says nothing while any process can still run, or has no report yet', () => {
    expect(findDeadlock(world([twoLocks, { pid: 6, name: 'nc', stuck: null }]))).toBeNull();
    expect(findDeadlock(world([]))).toBeNull();
  });

  it('follows a join across processes to a Queue no one reads (the docs’ classic)', () => {
    const parent: FakeProcess = {
      pid: 1,
      name: 'main.py',
      stuck: [{ tid: 1, wait: { kind: 'child', pid: 2, line: 'main.py:12' } }],
    };
    const child: FakeProcess = {
      pid: 2,
      ppid: 1,
      name: 'Process-1',
      threads: [[3, 'QueueFeederThread']],
      stuck: [
        { tid: 2, wait: { kind: 'join', tid: 3, line: null } },
        { tid: 3, wait: { kind: 'fds', fds: [5], events: [Poll.OUT], line: null } },
      ],
    };
    const objects = {
      fds: { '2:5': { read: null, write: 40 } },
      ringHolders: { '40r': [2, 1] }, // the child holds the read end too; the parent first
      names: { 40: 'Queue#1' },
    };
    const report = findDeadlock(world([parent, child], objects))!;
    expect(deadlockText(report, 'en')).toBe(
      'deadlock: MainThread (pid 1) waits for Process-1 (pid 2) to exit at main.py:12, whose ' +
        'MainThread waits for QueueFeederThread to end, which waits to write to Queue#1 (full), ' +
        'read by MainThread (pid 1)',
    );
    // Room in the pipe: the feeder is about to write; no deadlock.
    const room = { ...objects, ringEvents: { '40w': Poll.OUT } };
    expect(findDeadlock(world([parent, child], room))).toBeNull();
  });

  it('names a multiprocessing lock’s holder, and trusts a semaphore above 0 to wake its waiter', () => {
    const a = { value: 0, name: 'Lock#1', holders: [[1, 1]] as [number, number][] };
    const b = { value: 0, name: 'Lock#2', holders: [[2, 2]] as [number, number][] };
    const processes: FakeProcess[] = [
      { pid: 1, name: 'main.py', stuck: [{ tid: 1, wait: { kind: 'sem', sem: 20, line: null } }] },
      {
        pid: 2,
        name: 'Process-1',
        stuck: [{ tid: 2, wait: { kind: 'sem', sem: 10, line: null } }],
      },
    ];
    const report = findDeadlock(world(processes, { sems: { 10: a, 20: b } }))!;
    expect(report.cycle.map((l) => `${l.pid} ${l.object}`)).toEqual(['1 Lock#2', '2 Lock#1']);
    expect(findDeadlock(world(processes, { sems: { 10: { ...a, value: 1 }, 20: b } }))).toBeNull();
  });

  it('never calls a socket wait stuck: a peer may connect from outside the run', () => {
    const server: FakeProcess = {
      pid: 1,
      name: 'server.py',
      stuck: [{ tid: 1, wait: { kind: 'fds', fds: [3], events: [Poll.IN], line: null } }],
    };
    const fds = { '1:3': { read: 7, write: 8, sock: 1 } };
    expect(findDeadlock(world([server], { fds }))).toBeNull();
  });

  it('never calls an asyncio loop stuck on its own wake-up pipe: a signal may write it', () => {
    const loop: FakeProcess = {
      pid: 1,
      name: 'main.py',
      stuck: [{ tid: 1, wait: { kind: 'fds', fds: [4], events: [Poll.IN], line: null } }],
    };
    const fds = { '1:4': { read: 9, write: null } };
    const ringHolders = { '9w': [1] };
    expect(
      findDeadlock(world([loop], { fds, ringHolders, names: { 9: 'Pipe#1' } })),
    ).not.toBeNull();
    expect(
      findDeadlock(world([loop], { fds, ringHolders, names: { 9: 'EventLoop#1' } })),
    ).toBeNull();
  });

  it('reports threads stuck without a cycle: an Event no one will set', () => {
    const report = findDeadlock(
      world([
        {
          pid: 1,
          name: 'main.py',
          stuck: [
            {
              tid: 1,
              wait: { kind: 'python', object: 'threading.Event.wait()', line: 'main.py:4' },
            },
          ],
        },
      ]),
    )!;
    expect(report.cycle).toEqual([]);
    expect(deadlockText(report, 'en')).toBe(
      'deadlock: every thread waits, and none can wake another: MainThread (pid 1) waits in ' +
        'threading.Event.wait() at main.py:4',
    );
  });

  it('a waitpid for a child that has ended is no deadlock', () => {
    const parent: FakeProcess = {
      pid: 1,
      name: 'main.py',
      stuck: [{ tid: 1, wait: { kind: 'child', pid: 2, line: null } }],
    };
    expect(findDeadlock(world([parent]))).toBeNull();
  });
});

describe('the timeline of a deadlock', () => {
  it('draws the cycle in red: its threads deadlocked, an arrow from each to the one it waits for', () => {
    const report = findDeadlock(
      world([
        {
          pid: 1,
          name: 'main.py',
          threads: [
            [2, 'Thread-1'],
            [3, 'Thread-2'],
          ],
          stuck: [
            { tid: 1, wait: { kind: 'join', tid: 2, line: null } },
            { tid: 2, wait: { ...lock('threading.Lock#2', 3), since: 3 } },
            { tid: 3, wait: { ...lock('threading.Lock#1', 2), since: 4 } },
          ],
        },
      ]),
    )!;
    const timeline = buildTimeline(
      [
        { type: 'spawn', t: 0, pid: 1, ppid: 0, name: 'main.py', method: 'script' },
        { type: 'thread-start', t: 1, pid: 1, tid: 2 },
        { type: 'thread-start', t: 1, pid: 1, tid: 3 },
        { type: 'deadlock', t: 5, report },
      ],
      9,
    );
    const deadlocked = timeline.slices.filter((s) => s.state === 'deadlocked');
    expect(deadlocked.map((s) => [s.lane, s.detail, s.start])).toEqual([
      ['1/2', 'threading.Lock#2', 5],
      ['1/3', 'threading.Lock#1', 5],
    ]);
    // Blocked from the moment each began to wait, which only the report tells.
    const blocked = timeline.slices.filter((s) => s.state === 'blocked' && s.lane !== '1');
    expect(blocked.map((s) => [s.lane, s.start, s.end])).toEqual([
      ['1/2', 3, 5],
      ['1/3', 4, 5],
    ]);
    const arrows = timeline.arrows.filter((a) => a.kind === 'deadlock');
    expect(arrows.map((a) => `${a.from.lane}→${a.to.lane}`)).toEqual(['1/2→1/3', '1/3→1/2']);
  });
});
