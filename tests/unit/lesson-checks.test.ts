import { describe, expect, it } from 'vitest';
import type { OutputChunk, TraceEvent } from '../../workers/protocol/kernel';
import { gradeRun, textIn, type RunRecord } from '../../src/lessons/checks';
import {
  filesForCheck,
  LessonFormatError,
  parseLesson,
  type CheckSpec,
} from '../../src/lessons/format';

/** A run of main.py (pid 1) with a child (pid 2), unless the test builds its own. */
function record(partial: Partial<RunRecord>): RunRecord {
  return {
    entries: [{ path: 'main.py', pid: 1 }],
    output: [],
    trace: [],
    stillRunning: [],
    timedOut: false,
    files: [],
    ...partial,
  };
}

const out = (pid: number, text: string, fd: 1 | 2 = 1): OutputChunk => ({ pid, fd, text });
let clock = 0;
const at = <E extends object>(event: E) => ({ ...event, t: ++clock }) as unknown as TraceEvent;
const spawn = (pid: number, ppid: number, method = 'fork') =>
  at({ type: 'spawn', pid, ppid, name: `p${pid}`, method });

function only(spec: Partial<CheckSpec> & { kind: CheckSpec['kind'] }, run: RunRecord) {
  const [result] = gradeRun([spec as CheckSpec], run);
  return {
    passed: result.passed,
    reason: result.reason && textIn('en', result.reason),
    description: textIn('en', result.description),
  };
}

const output = (match: 'exact' | 'multiset' | 'regex', lines: string[], anyOrder = false) =>
  ({ kind: 'output', stream: 'stdout', match, lines, anyOrder }) as const;

describe('output checks', () => {
  it('reads lines whole, across chunks and interleaved processes, in completion order', () => {
    const run = record({
      trace: [spawn(2, 1)],
      output: [out(1, 'par'), out(2, 'child\n'), out(1, 'ent\nlast'), out(2, 'err\n', 2)],
    });
    expect(only(output('exact', ['child', 'parent', 'last']), run).passed).toBe(true);
    expect(only(output('exact', ['parent', 'child', 'last']), run).reason).toBe(
      'line 1: expected "parent", got "child"',
    );
    expect(only({ ...output('exact', ['err']), stream: 'stderr' }, run).passed).toBe(true);
    // entry: that process and its descendants only
    const run2 = record({
      entries: [
        { path: 'server.py', pid: 1 },
        { path: 'client.py', pid: 3 },
      ],
      trace: [spawn(2, 1), spawn(4, 3)],
      output: [out(1, 's\n'), out(2, 's2\n'), out(3, 'c\n'), out(4, 'c2\n')],
    });
    expect(only({ ...output('exact', ['c', 'c2']), entry: 'client.py' }, run2).passed).toBe(true);
  });

  it('says which line is missing or extra', () => {
    const run = record({ output: [out(1, 'a\nb\n')] });
    expect(only(output('exact', ['a', 'b', 'c']), run).reason).toBe(
      'line 3 is missing: expected "c"',
    );
    expect(only(output('exact', ['a']), run).reason).toBe('line 2, "b", was not expected');
  });

  it('compares multisets: order free, counts exact', () => {
    const run = record({ output: [out(1, 'b\na\na\n')] });
    expect(only(output('multiset', ['a', 'b', 'a']), run).passed).toBe(true);
    expect(only(output('multiset', ['a', 'b']), run).reason).toBe(
      'unexpected line: "a" (1 in all)',
    );
    expect(only(output('multiset', ['a', 'b', 'a', 'c']), run).reason).toBe(
      'missing line: "c" (1 missing in all)',
    );
  });

  it('matches regular expressions in full, in order or to distinct lines', () => {
    const run = record({ output: [out(1, 'pid 12\nok\n')] });
    expect(only(output('regex', ['pid \\d+', 'ok']), run).passed).toBe(true);
    expect(only(output('regex', ['pid \\d', 'ok']), run).reason).toBe(
      'line 1, "pid 12", does not match /pid \\d/',
    );
    expect(only(output('regex', ['ok', 'pid \\d+'], true), run).passed).toBe(true);
    // both patterns could take "ok"; the matching finds the assignment that covers all
    expect(only(output('regex', ['.*', 'ok'], true), run).passed).toBe(true);
    expect(only(output('regex', ['ok', 'ok'], true), run).reason).toBe('no line matches /ok/');
  });
});

describe('exit code checks', () => {
  const spec = { kind: 'exitCode', entry: 'main.py', code: 0 } as const;
  it('passes on the code, and tells a signal, a hang and a nonzero code apart', () => {
    expect(only(spec, record({ trace: [at({ type: 'exit', pid: 1, code: 0 })] })).passed).toBe(
      true,
    );
    expect(only(spec, record({ trace: [at({ type: 'exit', pid: 1, code: 1 })] })).reason).toBe(
      'it exited with code 1',
    );
    expect(only(spec, record({ trace: [at({ type: 'exit', pid: 1, code: -9 })] })).reason).toBe(
      'it was ended by signal 9',
    );
    expect(only(spec, record({ stillRunning: [1] })).reason).toBe(
      'main.py was still running when the run ended',
    );
  });
});

describe('trace facts', () => {
  it('counts child processes (not scripts or tools) and threads', () => {
    const run = record({
      trace: [
        spawn(2, 1),
        spawn(3, 1, 'spawn'),
        spawn(4, 0, 'script'),
        at({ type: 'thread-start', pid: 1, tid: 5 }),
      ],
    });
    expect(only({ kind: 'processes', min: 2 }, run)).toMatchObject({
      passed: true,
      description: 'The program starts at least 2 child processes',
    });
    expect(only({ kind: 'processes', min: 1, max: 1 }, run).reason).toBe(
      'child processes started: 2',
    );
    expect(only({ kind: 'threads', max: 0 }, run).reason).toBe('threads started: 1');
  });

  it('measures how many clients a server served at once', () => {
    const conn = (n: number) => ({ from: `127.0.0.1:4000${n}`, to: '127.0.0.1:8000' });
    const name = (n: number) => `TCP 127.0.0.1:4000${n} → 127.0.0.1:8000`;
    const accept = (n: number) => at({ type: 'accept', pid: 1, ...conn(n) });
    const send = (n: number, pid = 1) => at({ type: 'send', pid, tid: pid, object: name(n) });
    const recv = (n: number) => at({ type: 'recv', pid: 1, tid: 1, object: name(n) });
    const close = (n: number) => at({ type: 'close', pid: 9, ...conn(n) });
    const spec = { kind: 'concurrentClients', min: 3 } as const;
    const oneAtATime = record({
      trace: [accept(1), send(1), close(1), accept(2), send(2), close(2), accept(3), send(3)],
    });
    expect(only(spec, oneAtATime).reason).toBe('most clients served at the same time: 1');
    // accepted and read at once, but answered in turns (an asyncio server behind one lock)
    const inTurns = record({
      trace: [accept(1), accept(2), accept(3), recv(1), recv(2), recv(3), send(1), close(1)],
    });
    expect(only(spec, inTurns).reason).toBe('most clients served at the same time: 1');
    // the clients' own sends are not the server's
    const together = record({
      trace: [accept(1), accept(2), accept(3), send(1, 7), send(2), send(3), send(1), close(1)],
    });
    expect(only(spec, together).passed).toBe(true);
  });

  it('finds lost Queue items and ignores socket traffic', () => {
    const op = (type: string, object: string) => at({ type, pid: 1, tid: 1, object });
    const balanced = record({
      trace: [op('put', 'Queue#1'), op('get', 'Queue#1'), op('send', 'connection a ↔ b')],
    });
    expect(only({ kind: 'noDataLost' }, balanced).passed).toBe(true);
    const lost = record({ trace: [op('put', 'Queue#1'), op('put', 'Queue#1')] });
    expect(only({ kind: 'noDataLost' }, lost).reason).toBe('Queue#1: 2 items put in, 0 taken out');
    expect(only({ kind: 'noDataLost' }, record({})).reason).toBe('no Queue or Pipe was used');
  });

  it('counts the threads and processes that took one Lock', () => {
    const take = (pid: number, tid: number, object: string) =>
      at({ type: 'acquire', pid, tid, object });
    const spec = { kind: 'lockGuarded', min: 2 } as const;
    // one process's threading lock, taken by two threads
    expect(
      only(
        spec,
        record({ trace: [take(1, 2, 'threading.Lock#1'), take(1, 3, 'threading.Lock#1')] }),
      ).passed,
    ).toBe(true);
    // two processes' own locks that share a name are different locks
    expect(
      only(
        spec,
        record({ trace: [take(1, 1, 'threading.Lock#1'), take(2, 2, 'threading.Lock#1')] }),
      ).reason,
    ).toBe('threads or processes that took the most shared Lock, threading.Lock#1: 1');
    // a multiprocessing Lock is one object across processes
    expect(only(spec, record({ trace: [take(1, 1, 'Lock#4'), take(2, 2, 'Lock#4')] })).passed).toBe(
      true,
    );
    expect(only(spec, record({ trace: [take(1, 1, 'Semaphore#2')] })).reason).toBe(
      'no Lock was taken',
    );
  });

  it('fails a run the kernel found deadlocked, naming the cycle in either language', () => {
    const link = (tid: number, object: string) => ({
      pid: 1,
      tid,
      thread: `Thread-${tid - 1}`,
      process: 'main.py',
      waits: 'lock' as const,
      object,
      line: null,
    });
    const cycle = [link(2, 'threading.Lock#2'), link(3, 'threading.Lock#1')];
    const deadlocked = record({
      trace: [at({ type: 'deadlock', report: { cycle, stuck: cycle } })],
    });
    const result = only({ kind: 'noDeadlock' }, deadlocked);
    expect(result.reason).toBe(
      'deadlock: Thread-1 (pid 1) waits for threading.Lock#2, held by Thread-2 (pid 1), which ' +
        'waits for threading.Lock#1, held by Thread-1 (pid 1)',
    );
    const [graded] = gradeRun([{ kind: 'noDeadlock' }], deadlocked);
    expect(textIn('zh-CN', graded.reason!)).toMatch(/^死锁：Thread-1 \(pid 1\) 等待/);
    expect(only({ kind: 'noDeadlock' }, record({})).passed).toBe(true);
  });

  it('counts hand-overs on the timeline, and where they must cross between processes', () => {
    const queueOp = (type: 'put' | 'get', pid: number, tid = pid) =>
      at({ type, pid, tid, object: 'Queue#1' });
    const spec = { kind: 'arrows', arrow: 'item', min: 2, acrossProcesses: true } as const;
    const across = record({
      trace: [spawn(2, 1), spawn(3, 1), queueOp('put', 2), queueOp('put', 2)],
    });
    across.trace.push(queueOp('get', 3), queueOp('get', 3));
    expect(only(spec, across)).toMatchObject({
      passed: true,
      description:
        'The timeline shows at least 2 hand-overs from one process to another: Queue item',
    });
    const tooFew = record({ trace: [spawn(2, 1), queueOp('put', 1), queueOp('get', 2)] });
    expect(only(spec, tooFew).reason).toBe('hand-overs on the timeline (Queue item): 1');
    // A thread of the same process takes it: a hand-over, but not across processes.
    const within = record({ trace: [queueOp('put', 1), queueOp('get', 1, 5)] });
    expect(only(spec, within).reason).toBe('Queue#1 was handed over within one process (pid 1)');
    expect(only({ ...spec, acrossProcesses: false, min: 1 }, within).passed).toBe(true);
  });

  it('words results in Chinese as well', () => {
    const [result] = gradeRun([{ kind: 'processes', min: 2 }], record({ trace: [spawn(2, 1)] }));
    expect(textIn('zh-CN', result.description)).toBe('程序启动至少 2 个子进程');
    expect(textIn('zh-CN', result.reason!)).toBe('启动了 1 个子进程');
  });
});

describe('lesson format', () => {
  const files = (manifest: object, extra: Record<string, string> = {}) =>
    new Map(
      Object.entries({
        'lesson.json': JSON.stringify(manifest),
        'en.md': '# T',
        'zh-CN.md': '# T',
        'starter/server.py': 'starter server',
        'starter/client.py': 'client',
        'solution/server.py': 'solution server',
        ...extra,
      }),
    );
  const manifest = {
    title: { en: 'T', 'zh-CN': 'T' },
    entries: ['server.py', 'client.py'],
    given: ['client.py'],
    checks: [{ kind: 'exitCode', entry: 'client.py', code: 0 }],
  };

  it('parses a lesson, its solution over its starter, and the files a check runs', () => {
    const lesson = parseLesson('x', files(manifest));
    expect(lesson.solution).toEqual([
      { path: 'server.py', content: 'solution server' },
      { path: 'client.py', content: 'client' },
    ]);
    expect(lesson.timeoutSeconds).toBe(30);
    const learner = [
      { path: 'server.py', content: 'mine' },
      { path: 'client.py', content: 'edited client' },
      { path: 'util.py', content: 'helper' },
    ];
    expect(filesForCheck(lesson, learner)).toEqual([
      { path: 'server.py', content: 'mine' },
      { path: 'util.py', content: 'helper' },
      { path: 'client.py', content: 'client' }, // given: always the lesson's
    ]);
  });

  it('says what is wrong with a malformed lesson', () => {
    const bad = (m: object, extra?: Record<string, string>) => () =>
      parseLesson('x', files(m, extra));
    expect(bad({ ...manifest, entries: ['nope.py'] })).toThrow(LessonFormatError);
    expect(bad({ ...manifest, entries: ['nope.py'] })).toThrow(/names no starter file/);
    expect(bad({ ...manifest, title: { en: 'T' } })).toThrow(/no "zh-CN" text/);
    expect(bad({ ...manifest, checks: [{ kind: 'guess' }] })).toThrow(/kind is unknown/);
    expect(
      bad({ ...manifest, checks: [{ kind: 'output', match: 'regex', lines: ['('] }] }),
    ).toThrow(/not a regular expression/);
    expect(bad(manifest, { 'solution/extra.py': '' })).toThrow(/has no starter/);
    expect(bad(manifest, { 'starter/../x.py': '' })).toThrow(/not a usable file name/);
  });
});

describe('file checks', () => {
  const files = [
    { path: 'out/total.txt', content: 'total 55\nparts 4\n' },
    { path: 'blob.bin', content: 'AAE=', encoding: 'base64' as const },
  ];
  const run = record({ files });
  const file = (spec: object) => only({ kind: 'file', exists: true, lines: null, ...spec }, run);

  it('passes when the file is there, and says when it is not', () => {
    expect(file({ path: 'out/total.txt' })).toEqual({
      passed: true,
      reason: null,
      description: 'out/total.txt is there when the run ends',
    });
    expect(file({ path: 'out/missing.txt' }).reason).toBe('there is no out/missing.txt');
  });

  it("compares the file's lines as an output check compares printed ones", () => {
    const lines = (match: 'exact' | 'regex', expected: string[]) => ({
      path: 'out/total.txt',
      lines: { match, anyOrder: false, lines: expected },
    });
    expect(file(lines('exact', ['total 55', 'parts 4'])).passed).toBe(true);
    expect(file(lines('regex', ['total \\d+', 'parts [1-9]'])).passed).toBe(true);
    expect(file(lines('exact', ['total 56', 'parts 4'])).reason).toBe(
      'line 1: expected "total 56", got "total 55"',
    );
    expect(file({ ...lines('exact', ['x']), path: 'blob.bin' }).reason).toBe(
      'blob.bin is not text',
    );
  });

  it('a file that must be gone', () => {
    expect(file({ path: 'scratch.tmp', exists: false }).passed).toBe(true);
    expect(file({ path: 'blob.bin', exists: false }).reason).toBe('blob.bin is still there');
  });

  it('lesson.json states them; a bad one is refused', () => {
    const lesson = (check: object) =>
      parseLesson(
        'l',
        new Map([
          [
            'lesson.json',
            JSON.stringify({
              title: { en: 'T', 'zh-CN': 'T' },
              entries: ['main.py'],
              checks: [check],
            }),
          ],
          ['en.md', 'x'],
          ['zh-CN.md', 'x'],
          ['starter/main.py', 'print(1)'],
        ]),
      );
    expect(
      lesson({ kind: 'file', path: 'out/a.txt', match: 'multiset', lines: ['a'] }).checks[0],
    ).toEqual({
      kind: 'file',
      path: 'out/a.txt',
      exists: true,
      lines: { match: 'multiset', anyOrder: false, lines: ['a'] },
    });
    expect(() => lesson({ kind: 'file', path: '../etc/passwd' })).toThrow(LessonFormatError);
    expect(() =>
      lesson({ kind: 'file', path: 'a', exists: false, match: 'exact', lines: [] }),
    ).toThrow(LessonFormatError);
  });
});
