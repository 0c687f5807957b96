import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../workers/protocol/kernel';
import { chromeTrace } from '../../src/timeline/chrome-trace';
import { buildTimeline } from '../../src/timeline/model';

/** 15_producer_consumer's shape: a parent starts a producer and a consumer, items pass through
 * one Queue, the parent joins both. */
const producerConsumer: TraceEvent[] = [
  { type: 'spawn', t: 0, pid: 1, ppid: 0, name: 'main.py', method: 'script' },
  { type: 'spawn', t: 1, pid: 2, ppid: 1, name: 'Process-1', method: 'fork' },
  { type: 'spawn', t: 2, pid: 3, ppid: 1, name: 'Process-2', method: 'fork' },
  { type: 'wait', t: 3, pid: 1, tid: 1, on: 'join(2)' },
  { type: 'wait', t: 3, pid: 3, tid: 3, on: 'Queue#1' },
  { type: 'put', t: 4, pid: 2, tid: 2, object: 'Queue#1' },
  { type: 'put', t: 5, pid: 2, tid: 2, object: 'Queue#1' },
  { type: 'wait', t: 6, pid: 3, tid: 3, on: null },
  { type: 'get', t: 6, pid: 3, tid: 3, object: 'Queue#1' },
  { type: 'get', t: 7, pid: 3, tid: 3, object: 'Queue#1' },
  { type: 'exit', t: 8, pid: 2, code: 0 },
  { type: 'wait', t: 9, pid: 1, tid: 1, on: null },
  { type: 'wait', t: 9, pid: 1, tid: 1, on: 'sleep' },
  { type: 'wait', t: 10, pid: 1, tid: 1, on: null },
  { type: 'exit', t: 11, pid: 3, code: -15 },
];

describe('buildTimeline', () => {
  const timeline = buildTimeline(producerConsumer, 12);

  it('has a lane per process, labelled by name and pid', () => {
    expect(timeline.lanes.map((l) => [l.id, l.label])).toEqual([
      ['1', 'main.py (1)'],
      ['2', 'Process-1 (2)'],
      ['3', 'Process-2 (3)'],
    ]);
  });

  it('gives each lane its states over time', () => {
    const of = (lane: string) =>
      timeline.slices
        .filter((s) => s.lane === lane)
        .map((s) => [s.state, s.start, s.end, s.detail]);
    expect(of('1')).toEqual([
      ['running', 0, 3, null],
      ['blocked', 3, 9, 'join(2)'],
      ['sleeping', 9, 10, null],
      ['running', 10, 12, null],
    ]);
    expect(of('3')).toEqual([
      ['running', 2, 3, null],
      ['blocked', 3, 6, 'Queue#1'],
      ['running', 6, 11, null],
      ['exited', 11, 12, '-15'],
    ]);
  });

  it('draws spawns, each Queue item from its put to its get, and the join', () => {
    expect(timeline.arrows.map((a) => [a.kind, a.from.lane, a.from.t, a.to.lane, a.to.t])).toEqual([
      ['spawn', '1', 1, '2', 1],
      ['spawn', '1', 2, '3', 2],
      ['item', '2', 4, '3', 6],
      ['item', '2', 5, '3', 7],
      ['join', '2', 8, '1', 9],
    ]);
  });

  it('nests threads under their process; a Lock passes from its releaser to the next acquirer', () => {
    const locks = buildTimeline([
      { type: 'spawn', t: 0, pid: 1, ppid: 0, name: 'main.py', method: 'script' },
      { type: 'thread-start', t: 1, pid: 1, tid: 2 },
      { type: 'thread-name', t: 1, pid: 1, tid: 2, name: 'Thread-1' },
      { type: 'acquire', t: 2, pid: 1, tid: 1, object: 'threading.Lock#1' },
      { type: 'wait', t: 2, pid: 1, tid: 2, on: 'threading.Lock#1' },
      { type: 'release', t: 3, pid: 1, tid: 1, object: 'threading.Lock#1' },
      { type: 'wait', t: 3, pid: 1, tid: 2, on: null },
      { type: 'acquire', t: 3, pid: 1, tid: 2, object: 'threading.Lock#1' },
      { type: 'thread-exit', t: 4, pid: 1, tid: 2 },
    ]);
    expect(locks.lanes[1]).toMatchObject({ id: '1/2', label: 'Thread-1', parent: '1' });
    expect(locks.arrows).toEqual([
      {
        kind: 'lock',
        from: { lane: '1', t: 3 },
        to: { lane: '1/2', t: 3 },
        object: 'threading.Lock#1',
      },
    ]);
  });

  it('matches a connection’s connect to its accept, and messages to the other end', () => {
    const net = buildTimeline([
      { type: 'spawn', t: 0, pid: 1, ppid: 0, name: 'server.py', method: 'script' },
      { type: 'spawn', t: 0, pid: 2, ppid: 0, name: 'client.py', method: 'script' },
      { type: 'connect', t: 1, pid: 2, from: '127.0.0.1:32768', to: '127.0.0.1:8888' },
      { type: 'accept', t: 2, pid: 1, from: '127.0.0.1:32768', to: '127.0.0.1:8888' },
      { type: 'send', t: 3, pid: 2, tid: 2, object: 'TCP 127.0.0.1:32768 ↔ 127.0.0.1:8888' },
      { type: 'recv', t: 4, pid: 1, tid: 1, object: 'TCP 127.0.0.1:32768 ↔ 127.0.0.1:8888' },
    ]);
    expect(net.arrows.map((a) => [a.kind, a.from.lane, a.to.lane])).toEqual([
      ['connect', '2', '1'],
      ['message', '2', '1'],
    ]);
  });

  it('matches an accept that the trace holds before its connect (each side stamps its own)', () => {
    const net = buildTimeline([
      { type: 'spawn', t: 0, pid: 1, ppid: 0, name: 'server.py', method: 'script' },
      { type: 'spawn', t: 0, pid: 2, ppid: 0, name: 'client.py', method: 'script' },
      { type: 'accept', t: 1, pid: 1, from: '127.0.0.1:32768', to: '127.0.0.1:8888' },
      { type: 'connect', t: 1, pid: 2, from: '127.0.0.1:32768', to: '127.0.0.1:8888' },
    ]);
    expect(net.arrows.map((a) => [a.kind, a.from.lane, a.to.lane])).toEqual([
      ['connect', '2', '1'],
    ]);
  });

  it('gives the Preview’s browser a lane of its own, from its first connection', () => {
    const preview = buildTimeline([
      { type: 'spawn', t: 0, pid: 1, ppid: 0, name: 'server.py', method: 'script' },
      { type: 'connect', t: 1, pid: 0, from: '127.0.0.1:32768', to: '127.0.0.1:8000' },
      { type: 'accept', t: 2, pid: 1, from: '127.0.0.1:32768', to: '127.0.0.1:8000' },
    ]);
    expect(preview.lanes.map((lane) => lane.label)).toEqual(['server.py (1)', 'browser']);
    expect(preview.arrows.map((a) => [a.kind, a.from.lane, a.to.lane])).toEqual([
      ['connect', '0', '1'],
    ]);
  });
});

it('lists each process’s threads right under it', () => {
  const nested = buildTimeline([
    { type: 'spawn', t: 0, pid: 1, ppid: 0, name: 'main.py', method: 'script' },
    { type: 'spawn', t: 1, pid: 2, ppid: 1, name: 'Process-1', method: 'fork' },
    { type: 'thread-start', t: 2, pid: 1, tid: 3 },
  ]);
  expect(nested.lanes.map((lane) => lane.id)).toEqual(['1', '1/3', '2']);
});

describe('chromeTrace', () => {
  it('names every track and has a slice per state and a flow per arrow', () => {
    const { traceEvents } = chromeTrace(buildTimeline(producerConsumer, 12));
    const names = traceEvents.filter((e) => e.name === 'process_name').map((e) => e.args?.name);
    expect(names).toEqual(['main.py (1)', 'Process-1 (2)', 'Process-2 (3)']);
    expect(traceEvents.find((e) => e.name === 'blocked: join(2)')).toMatchObject({
      ph: 'X',
      pid: 1,
      ts: 3000,
      dur: 6000,
    });
    const starts = traceEvents.filter((e) => e.ph === 's');
    const ends = traceEvents.filter((e) => e.ph === 'f');
    expect(starts).toHaveLength(5);
    expect(ends.map((e) => e.id)).toEqual(starts.map((e) => e.id));
  });
});

describe('wake arrows', () => {
  it('go from an Event’s set or a Condition’s notify to each wait it ended, in another lane', () => {
    const timeline = buildTimeline([
      { type: 'spawn', t: 0, pid: 1, ppid: 0, name: 'main.py', method: 'script' },
      { type: 'thread-start', t: 1, pid: 1, tid: 2 },
      { type: 'set', t: 2, pid: 1, tid: 1, object: 'threading.Event#1' },
      { type: 'woken', t: 3, pid: 1, tid: 2, object: 'threading.Event#1' },
      // The setter's own wait on its set event: no hand-over.
      { type: 'woken', t: 4, pid: 1, tid: 1, object: 'threading.Event#1' },
      { type: 'notify', t: 5, pid: 1, tid: 2, object: 'Condition#1' },
      { type: 'woken', t: 6, pid: 1, tid: 1, object: 'Condition#1' },
    ]);
    expect(timeline.arrows.map((a) => `${a.kind} ${a.object} ${a.from.lane}→${a.to.lane}`)).toEqual(
      ['wake threading.Event#1 1→1/2', 'wake Condition#1 1/2→1'],
    );
  });
});

describe('clock skew between processes', () => {
  it('lets a take stamped a moment before its give still take it, with the message’s size', () => {
    const timeline = buildTimeline([
      { type: 'spawn', t: 0, pid: 1, ppid: 0, name: 'main.py', method: 'script' },
      { type: 'spawn', t: 1, pid: 2, ppid: 1, name: 'Process-1', method: 'fork' },
      { type: 'recv', t: 10.2, pid: 1, tid: 1, object: 'TCP a → b', bytes: 6 },
      { type: 'send', t: 10.6, pid: 2, tid: 2, object: 'TCP a → b', bytes: 6 },
      // Far apart: no hand-over.
      { type: 'recv', t: 20, pid: 1, tid: 1, object: 'Pipe#1' },
      { type: 'send', t: 40, pid: 2, tid: 2, object: 'Pipe#1' },
    ]);
    const messages = timeline.arrows.filter((a) => a.kind === 'message');
    expect(messages).toEqual([
      {
        kind: 'message',
        from: { lane: '2', t: 10.6 },
        to: { lane: '1', t: 10.6 },
        object: 'TCP a → b',
        bytes: 6,
      },
    ]);
  });
});

describe('lock arrows', () => {
  it('hand a threading lock from its last taker to the next, and keep two processes’ locks apart', () => {
    const take = (t: number, pid: number, tid: number): TraceEvent => ({
      type: 'acquire',
      t,
      pid,
      tid,
      object: 'threading.Lock#1',
    });
    const timeline = buildTimeline([
      { type: 'spawn', t: 0, pid: 1, ppid: 0, name: 'main.py', method: 'script' },
      { type: 'spawn', t: 0, pid: 5, ppid: 1, name: 'Process-1', method: 'fork' },
      take(1, 1, 2),
      take(2, 1, 3),
      take(3, 5, 5), // the child's own threading.Lock#1: another lock
      take(4, 1, 2),
    ]);
    expect(
      timeline.arrows.filter((a) => a.kind === 'lock').map((a) => `${a.from.lane}→${a.to.lane}`),
    ).toEqual(['1/2→1/3', '1/3→1/2']);
  });
});

describe('join arrows', () => {
  it('come from a child’s end to a join that found it ended already, once each', () => {
    const timeline = buildTimeline([
      { type: 'spawn', t: 0, pid: 1, ppid: 0, name: 'main.py', method: 'script' },
      { type: 'spawn', t: 1, pid: 2, ppid: 1, name: 'Process-1', method: 'fork' },
      { type: 'exit', t: 2, pid: 2, code: 0 },
      { type: 'reap', t: 5, pid: 1, child: 2 },
      { type: 'reap', t: 6, pid: 1, child: 2 },
    ]);
    expect(timeline.arrows.filter((a) => a.kind === 'join')).toEqual([
      { kind: 'join', from: { lane: '2', t: 2 }, to: { lane: '1', t: 5 }, object: 'join(2)' },
    ]);
  });
});

describe("the program's lines", () => {
  it('go with each end of an arrow, into the export too', () => {
    const events: TraceEvent[] = [
      { type: 'spawn', t: 0, pid: 1, ppid: 0, name: 'main.py', method: 'script' },
      { type: 'spawn', t: 1, pid: 2, ppid: 1, name: 'Process-1', method: 'fork' },
      { type: 'put', t: 2, pid: 2, tid: 2, object: 'Queue#1', site: 'main.py:5' },
      { type: 'get', t: 3, pid: 1, tid: 1, object: 'Queue#1', site: 'main.py:12' },
      // A receive the event loop made on its own has no line.
      { type: 'send', t: 4, pid: 1, tid: 1, object: 'a → b', bytes: 4, site: 'main.py:14' },
      { type: 'recv', t: 5, pid: 2, tid: 2, object: 'a → b', bytes: 4 },
    ];
    const timeline = buildTimeline(events);
    expect(timeline.arrows.filter((a) => a.kind !== 'spawn')).toEqual([
      {
        kind: 'item',
        from: { lane: '2', t: 2, site: 'main.py:5' },
        to: { lane: '1', t: 3, site: 'main.py:12' },
        object: 'Queue#1',
      },
      {
        kind: 'message',
        from: { lane: '1', t: 4, site: 'main.py:14' },
        to: { lane: '2', t: 5 },
        object: 'a → b',
        bytes: 4,
      },
    ]);
    const flows = chromeTrace(timeline).traceEvents.filter((e) => e.cat === 'item');
    expect(flows.map((e) => e.args?.line)).toEqual(['main.py:5', 'main.py:12']);
  });
});

describe('running and ready', () => {
  it('a switch gives the CPU to one lane; the others are ready, but for those that wait', () => {
    const run = (t: number, tid: number, waits: number[] = []): TraceEvent => ({
      type: 'run',
      t,
      pid: 1,
      tid,
      object: 'GIL',
      ...(waits.length ? { waits } : {}),
    });
    const timeline = buildTimeline(
      [
        { type: 'spawn', t: 0, pid: 1, ppid: 0, name: 'main.py', method: 'script' },
        { type: 'thread-start', t: 1, pid: 1, tid: 2 },
        { type: 'thread-start', t: 1, pid: 1, tid: 3 },
        run(2, 2),
        run(7, 3), // the switch interval: 2 was preempted
        run(9, 2, [3, 1]), // 3 waits (a lock, in Python), and so does 1 (a join)
        run(12, 3, [1]),
        { type: 'thread-exit', t: 15, pid: 1, tid: 3 },
      ],
      16,
    );
    const of = (lane: string) =>
      timeline.slices.filter((s) => s.lane === lane).map((s) => [s.state, s.start, s.end]);
    expect(of('1')).toEqual([
      ['running', 0, 2],
      ['ready', 2, 9],
      ['blocked', 9, 16],
    ]);
    expect(of('1/2')).toEqual([
      ['running', 1, 7],
      ['ready', 7, 9],
      ['running', 9, 12],
      ['ready', 12, 16],
    ]);
    expect(of('1/3')).toEqual([
      ['running', 1, 2],
      ['ready', 2, 7],
      ['running', 7, 9],
      ['blocked', 9, 12],
      ['running', 12, 15],
      ['exited', 15, 16],
    ]);
  });
});
