import { describe, expect, it, vi } from 'vitest';
import { Kernel } from '../../workers/kernel/kernel';
import { Trace } from '../../workers/kernel/trace';
import type { OutputChunk } from '../../workers/protocol/kernel';
import { Device, ROOT_INODE } from '../../workers/protocol/fs';
import { listFiles, writeFile } from '../../workers/fs/tree';
import type { ExecRequest, ForkSlot, SpawnRequest } from '../../workers/protocol/process';
import { FORK_SLOTS, claimForkSlot } from '../../workers/ipc/fork-area';
import { Disposition, Errno, ITimer, Signal } from '../../workers/protocol/constants';
import { Ring } from '../../workers/protocol/ipc';

import {
  bytes,
  files,
  never,
  payload,
  pidOf,
  print,
  run,
  setup,
  spawnRequest,
  type Program,
  ScriptedHost,
} from './scripted-kernel';
describe('process table', () => {
  it('starts entries in order as group leaders and records their exit codes', async () => {
    const { kernel } = setup({ 'a.py': async () => 0, 'b.py': async () => 3 });
    expect(await run(kernel, 'a.py', 'b.py')).toEqual([1, 2]);
    await kernel.waitIdle();
    expect(kernel.table.snapshot()).toEqual([
      expect.objectContaining({ pid: 1, ppid: 0, pgid: 1, name: 'a.py', exitCode: 0 }),
      expect.objectContaining({ pid: 2, ppid: 0, pgid: 2, name: 'b.py', exitCode: 3 }),
    ]);
    const trace = kernel.trace.all();
    expect(trace.filter((e) => e.type === 'spawn').map((e) => e.pid)).toEqual([1, 2]);
    expect(trace.filter((e) => e.type === 'exit')).toEqual([
      expect.objectContaining({ pid: 1, code: 0 }),
      expect.objectContaining({ pid: 2, code: 3 }),
    ]);
  });

  it('gives a spawned child its parent and process group, and waitpid its exit code', async () => {
    let waited: unknown;
    const { kernel } = setup({
      'main.py': async (sys) => {
        const child = await sys.spawn(spawnRequest('Process-1', 'fork'));
        waited = await sys.waitpid(pidOf(child), null);
      },
      child: async () => 7,
    });
    await run(kernel, 'main.py');
    await kernel.waitIdle();
    expect(waited).toEqual({ pid: 2, exitCode: 7 });
    expect(kernel.table.get(2)).toMatchObject({ ppid: 1, pgid: 1, name: 'Process-1' });
  });

  it('tells the warm pool of a burst of starts, however soon each child ended', async () => {
    const { kernel, host } = setup({
      'main.py': async (sys) => {
        const children: number[] = [];
        for (let i = 0; i < 3; i++) {
          children.push(pidOf(await sys.spawn(spawnRequest(`Process-${i + 1}`, 'fork'))));
          await vi.waitFor(() => expect(kernel.table.get(children.at(-1)!)?.exitCode).toBe(0));
          await sys.waitpid(children.at(-1)!, 0); // start() reaps the ended ones: WNOHANG
        }
        for (const child of children) await sys.waitpid(child, null);
        // One child at a time, each waited for (subprocess.run): no burst.
        for (let i = 0; i < 2; i++) {
          await sys.waitpid(pidOf(await sys.spawn(spawnRequest('cmd', 'fork'))), null);
        }
      },
      child: async () => 0,
    });
    await run(kernel, 'main.py');
    await kernel.waitIdle();
    expect(host.wanted).toEqual([1, 2, 3, 4, 2, 2]);
  });

  it("returns a child's pid before its worker has booted, and keeps signals sent meanwhile", async () => {
    let started: unknown;
    let boot!: () => void;
    const { kernel, host } = setup({
      'main.py': async (sys) => {
        sys.sigaction(Signal.SIGUSR1, Disposition.HANDLE);
        host.booting = new Promise((resolve) => (boot = resolve));
        started = await sys.spawn(spawnRequest('Process-1', 'fork'));
        await sys.kill(2, Signal.SIGUSR1); // the child inherited the handler
        return never();
      },
      child: () => never(),
    });
    await run(kernel, 'main.py');
    await expect.poll(() => started).toEqual({ pid: 2, sentinel: null });
    expect(kernel.table.get(2)?.state).toBe('starting');
    expect(host.raised).toEqual([]);
    boot();
    await expect.poll(() => kernel.table.get(2)?.state).toBe('running');
    expect(host.raised).toEqual([{ pid: 2, signal: Signal.SIGUSR1 }]);
    kernel.stop();
  });

  it('acknowledges each close with its number, once the descriptor is gone', async () => {
    let afterClose: unknown;
    const { kernel, host } = setup({
      'main.py': async (sys, request) => {
        await sys.pipe(3, 4);
        sys.fdClose(4, 1);
        afterClose = kernel.fds.list(request.pid).map((e) => e.fd);
      },
    });
    await run(kernel, 'main.py');
    await kernel.waitIdle();
    expect(afterClose).toEqual([3]);
    expect(host.closes).toEqual([{ pid: 1, seq: 1 }]);
  });

  it('refuses waitpid on a process that is not a child (ECHILD)', async () => {
    let result: unknown;
    const { kernel } = setup({
      'a.py': () => never(),
      'b.py': async (sys) => void (result = await sys.waitpid(1, 0)),
    });
    await run(kernel, 'a.py', 'b.py');
    await expect.poll(() => result).toEqual({ errno: Errno.ECHILD });
    kernel.stop();
  });

  it('validates what a process sends (EINVAL), whatever its bridge passes', async () => {
    const results: unknown[] = [];
    const { kernel } = setup({
      'main.py': async (sys) => {
        const bad = sys as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
        results.push(await bad.waitpid(1, 'soon'));
        results.push(await bad.kill('1', 9));
        results.push(await bad.sleep(-1));
        results.push(await bad.read(1, 10));
        results.push(await bad.spawn({ name: 'x', method: 'thread', payload }));
        results.push(await bad.spawn({ name: 'x', method: 'fork', payload: 'not bytes' }));
        results.push(await bad.spawn({ name: 'x', method: 'fork', payload })); // no fork state
      },
    });
    await run(kernel, 'main.py');
    await kernel.waitIdle();
    expect(results).toEqual(Array(7).fill({ errno: Errno.EINVAL }));
  });

  it('starts a command with its argv, environment and directory, in a new session if asked', async () => {
    const seen: ExecRequest[] = [];
    const results: unknown[] = [];
    const command = (argv: unknown, env: unknown, newSession: boolean) =>
      ({
        ...spawnRequest(Array.isArray(argv) ? argv.join(' ') : '?', 'spawn'),
        cwd: '/tmp',
        payload: new Uint8Array(0),
        command: { argv, env, newSession, stdio: [-1, -1, -1] },
      }) as SpawnRequest;
    const { kernel } = setup({
      'main.py': async (sys) => {
        const plain = pidOf(await sys.spawn(command(['python3', '-c', 'pass'], null, false)));
        const leader = pidOf(await sys.spawn(command(['python3', 'x.py'], ['A=1'], true)));
        results.push(await sys.waitpid(plain, null), await sys.waitpid(leader, null));
        results.push(await sys.spawn(command([], null, false)));
        results.push(await sys.spawn(command(['python3', 7], null, false)));
        results.push(await sys.spawn(command(['python3'], 'A=1', false)));
      },
      'python3 -c pass': async (_sys, request) => void seen.push(request),
      'python3 x.py': async (_sys, request) => (seen.push(request), 5),
    });
    await run(kernel, 'main.py');
    await kernel.waitIdle();
    expect(seen.map((r) => [r.job, r.cwd])).toEqual([
      [
        {
          kind: 'command',
          argv: ['python3', '-c', 'pass'],
          env: null,
          devNull: [],
          redirected: [],
        },
        '/tmp',
      ],
      [
        { kind: 'command', argv: ['python3', 'x.py'], env: ['A=1'], devNull: [], redirected: [] },
        '/tmp',
      ],
    ]);
    expect(results.slice(0, 2)).toEqual([
      { pid: 2, exitCode: 0 },
      { pid: 3, exitCode: 5 },
    ]);
    expect(results.slice(2)).toEqual(Array(3).fill({ errno: Errno.EINVAL }));
    expect(kernel.table.snapshot().map((p) => [p.pid, p.pgid, p.name])).toEqual([
      [1, 1, 'main.py'],
      [2, 1, 'python3 -c pass'],
      [3, 3, 'python3 x.py'],
    ]);
  });

  it('returns null from waitpid when the timeout passes first', async () => {
    let result: unknown = 'pending';
    const { kernel } = setup({
      'main.py': async (sys) => {
        const child = pidOf(await sys.spawn(spawnRequest('c', 'spawn')));
        result = await sys.waitpid(child, 20);
        await sys.kill(child, Signal.SIGKILL);
      },
      child: () => never(),
    });
    await run(kernel, 'main.py');
    await kernel.waitIdle();
    expect(result).toBeNull();
    expect(kernel.table.get(2)?.exitCode).toBe(-9);
  });

  it('takes back a fork-area slot when the child ends before its restore, or never starts', async () => {
    let freeAfter = -1;
    const { kernel } = setup(
      {
        'main.py': async (sys, request) => {
          const states = request.ipc.forkSlots;
          const forkFrom = (held: ForkSlot) => {
            const fork = { ...spawnRequest('Process-1', 'fork').fork!, imageSlot: held };
            return sys.spawn({ ...spawnRequest('Process-1', 'fork'), fork });
          };
          const child = pidOf(await forkFrom(claimForkSlot(states, 8)!));
          await sys.waitpid(child, null); // it ended without giving its slot back
          pidOf(await sys.spawn(spawnRequest('Process-2', 'spawn'))); // now at the limit
          expect(await forkFrom(claimForkSlot(states, 8)!)).toEqual({ errno: Errno.EAGAIN });
          let free = 0;
          while (claimForkSlot(states, 8)) free += 1;
          freeAfter = free;
        },
        // The forked child ends at once; the spawned one stays.
        child: async (_sys, request) =>
          request.job.kind === 'child' && request.job.fork ? 0 : never(),
      },
      2,
    );
    await run(kernel, 'main.py');
    await expect.poll(() => freeAfter).toBe(FORK_SLOTS);
    kernel.stop();
    await kernel.waitIdle();
  });

  it('stops a fork bomb at the process limit with EAGAIN and a notice', async () => {
    const errors: unknown[] = [];
    const { kernel, observer } = setup(
      {
        'main.py': async (sys) => {
          for (let i = 0; i < 10; i++) {
            const r = await sys.spawn(spawnRequest('c', 'fork'));
            if (!('pid' in r)) errors.push(r);
          }
          await never();
        },
        child: () => never(),
      },
      4,
    );
    await run(kernel, 'main.py');
    await expect.poll(() => errors.length).toBe(7);
    expect(errors[0]).toEqual({ errno: Errno.EAGAIN });
    expect(observer.notices[0]).toBe('processLimit 4');
    expect(kernel.table.live()).toHaveLength(4);
    kernel.stop();
    await kernel.waitIdle();
  });
});

describe('process ends', () => {
  it('ends a worker that exited by itself as halted, one killed at once', async () => {
    const { kernel, host } = setup({
      'a.py': async () => 0,
      'b.py': () => never(),
    });
    await run(kernel, 'a.py', 'b.py');
    await expect.poll(() => kernel.table.get(1)?.exitCode).toBe(0);
    expect(kernel.signal(null, 2, Signal.SIGKILL)).toBe(0);
    expect([...host.terminated]).toEqual([1, 2]);
    expect([...host.halted]).toEqual([1]); // its teardown may wait for the starts
    kernel.stop();
    await kernel.waitIdle();
  });
});

describe('signals', () => {
  it('ends a process with SIGTERM or SIGKILL as a negative exit code', async () => {
    const { kernel, host } = setup({ 'a.py': () => never(), 'b.py': () => never() });
    await run(kernel, 'a.py', 'b.py');
    expect(kernel.signal(null, 1, Signal.SIGTERM)).toBe(0);
    expect(kernel.signal(null, 2, Signal.SIGKILL)).toBe(0);
    expect([...host.terminated]).toEqual([1, 2]);
    // As on Linux, the death is seen a moment after kill(2) returns: still there right after.
    expect(kernel.table.get(1)?.exitCode).toBeNull();
    expect(kernel.signal(null, 1, Signal.SIGTERM)).toBe(0);
    await expect.poll(() => kernel.table.get(1)?.exitCode).toBe(-15);
    expect(kernel.table.get(2)?.exitCode).toBe(-9);
    expect(kernel.signal(null, 1, Signal.SIGTERM)).toEqual({ errno: Errno.ESRCH });
    expect(kernel.signal(null, 99, 0)).toEqual({ errno: Errno.ESRCH });
    expect(kernel.signal(null, 1, 99)).toEqual({ errno: Errno.EINVAL });
  });

  it('delivers Ctrl-C to the whole foreground group and cuts their sleeps short', async () => {
    const slept: unknown[] = [];
    const { kernel, host } = setup({
      'server.py': () => never(),
      'client.py': async (sys) => {
        await sys.spawn(spawnRequest('c', 'fork'));
        slept.push(await sys.sleep(60_000));
        return 130;
      },
      child: async (sys) => void slept.push(await sys.sleep(60_000)),
    });
    await run(kernel, 'server.py', 'client.py');
    await expect.poll(() => kernel.table.get(3)?.state).toBe('blocked');
    kernel.interrupt();
    await expect.poll(() => slept.length).toBe(2);
    expect(slept).toEqual([{ errno: Errno.EINTR }, { errno: Errno.EINTR }]);
    expect(host.raised.map((r) => r.pid).sort()).toEqual([2, 3]);
    expect(kernel.table.get(1)?.state).not.toBe('exited'); // the server's group is untouched
    kernel.stop();
  });

  it('stop() ends every process at once', async () => {
    const { kernel } = setup({ 'a.py': () => never(), 'b.py': () => never() });
    await run(kernel, 'a.py', 'b.py');
    kernel.stop();
    await kernel.waitIdle();
    expect(kernel.table.snapshot().map((p) => p.exitCode)).toEqual([-9, -9]);
  });
});

describe('signal dispositions, masks and timers', () => {
  it('runs a handler, ignores, or takes the default action, as the process set it', async () => {
    const { kernel, host } = setup({
      'main.py': (sys) => {
        sys.sigaction(Signal.SIGUSR1, Disposition.HANDLE);
        sys.sigaction(Signal.SIGHUP, Disposition.IGNORE);
        sys.sigaction(Signal.SIGKILL, Disposition.IGNORE); // refused: SIGKILL cannot be caught
        return never();
      },
    });
    await run(kernel, 'main.py');
    const sys = kernel.table.get(1)!;
    kernel.signal(null, 1, Signal.SIGUSR1);
    kernel.signal(null, 1, Signal.SIGHUP);
    kernel.signal(null, 1, Signal.SIGCHLD); // ignored by default
    kernel.signal(null, 1, Signal.SIGINT); // Python handles it from the start
    expect(host.raised).toEqual([
      { pid: 1, signal: Signal.SIGUSR1 },
      { pid: 1, signal: Signal.SIGINT },
    ]);
    expect(sys.state).not.toBe('exited');
    kernel.signal(null, 1, Signal.SIGUSR2); // default: the process ends
    await expect.poll(() => sys.exitCode).toBe(-Signal.SIGUSR2);
  });

  it('holds blocked signals for sigwait and delivers them when unblocked', async () => {
    const waited: unknown[] = [];
    const { kernel, host } = setup({
      'main.py': async (sys) => {
        sys.sigaction(Signal.SIGUSR1, Disposition.HANDLE);
        await sys.sigmask(0, (1 << Signal.SIGUSR1) | (1 << Signal.SIGUSR2));
        waited.push(await sys.sigwait(1 << Signal.SIGUSR2));
        waited.push(await sys.sigpending());
        waited.push(await sys.sigmask(1, 1 << Signal.SIGUSR1)); // unblock: delivered now
        return never();
      },
    });
    await run(kernel, 'main.py');
    await expect.poll(() => kernel.table.get(1)?.state).toBe('blocked');
    kernel.signal(null, 1, Signal.SIGUSR1); // blocked: pending
    kernel.signal(null, 1, Signal.SIGUSR2); // taken by sigwait
    await expect.poll(() => waited.length).toBe(3);
    const both = (1 << Signal.SIGUSR1) | (1 << Signal.SIGUSR2);
    expect(waited).toEqual([Signal.SIGUSR2, 1 << Signal.SIGUSR1, both]);
    expect(host.raised).toEqual([{ pid: 1, signal: Signal.SIGUSR1 }]);
    kernel.stop();
  });

  it('sends SIGALRM from setitimer, and SIGCHLD to a parent that handles it', async () => {
    const got: unknown[] = [];
    const { kernel, host } = setup({
      'main.py': async (sys) => {
        sys.sigaction(Signal.SIGALRM, Disposition.HANDLE);
        sys.sigaction(Signal.SIGCHLD, Disposition.HANDLE);
        got.push(await sys.setitimer(ITimer.REAL, 0.02, 0));
        const left = await sys.getitimer(ITimer.REAL);
        got.push(Array.isArray(left) && left[0] > 0 && left[0] <= 0.02);
        got.push(await sys.pause()); // until the alarm's handler is to run
        await sys.spawn(spawnRequest('c', 'fork'));
        return never();
      },
      child: async () => 0,
    });
    await run(kernel, 'main.py');
    await expect.poll(() => host.raised.length).toBe(2);
    expect(got).toEqual([[0, 0], true, { errno: Errno.EINTR }]);
    expect(host.raised).toEqual([
      { pid: 1, signal: Signal.SIGALRM },
      { pid: 1, signal: Signal.SIGCHLD },
    ]);
    kernel.stop();
  });

  it('sends SIGWINCH to the foreground group when the terminal size changes', async () => {
    const { kernel, host } = setup({
      'quiet.py': () => never(),
      'main.py': (sys) => {
        sys.sigaction(Signal.SIGWINCH, Disposition.HANDLE);
        return never();
      },
    });
    await run(kernel, 'quiet.py', 'main.py');
    await expect.poll(() => kernel.table.get(2)?.state).toBe('running');
    kernel.resize(100, 30);
    kernel.resize(100, 30); // the same size: no signal
    expect(host.raised).toEqual([{ pid: 2, signal: Signal.SIGWINCH }]);
    kernel.stop();
  });

  it("gives a forked child the parent's dispositions, and a spawned one only what it ignores", async () => {
    const { kernel, host } = setup({
      'main.py': async (sys) => {
        sys.sigaction(Signal.SIGTERM, Disposition.HANDLE);
        sys.sigaction(Signal.SIGHUP, Disposition.IGNORE);
        await sys.spawn(spawnRequest('forked', 'fork'));
        await sys.spawn(spawnRequest('spawned', 'spawn'));
        return never();
      },
      child: () => never(),
    });
    await run(kernel, 'main.py');
    await expect.poll(() => kernel.table.get(3)?.state).toBe('running');
    for (const pid of [2, 3]) {
      kernel.signal(null, pid, Signal.SIGHUP);
      kernel.signal(null, pid, Signal.SIGTERM);
    }
    expect(host.raised).toEqual([{ pid: 2, signal: Signal.SIGTERM }]);
    await expect.poll(() => kernel.table.get(3)?.exitCode).toBe(-Signal.SIGTERM);
    expect(kernel.table.get(2)?.exitCode).toBeNull();
    kernel.stop();
  });
});

describe('standard streams', () => {
  /** A process that reads its standard input to end of file; `reads` holds each read. */
  const stdinReader = () => {
    const reads: string[] = [];
    const { kernel } = setup({
      'main.py': async (sys) => {
        for (;;) {
          const data = await sys.read(0, 1024);
          if (!(data instanceof Uint8Array)) throw new Error('interrupted');
          if (data.length === 0) return 0;
          reads.push(new TextDecoder().decode(data));
        }
      },
    });
    return { kernel, reads };
  };

  it('feeds typed input to the foreground process, then end of file', async () => {
    const { kernel, reads } = stdinReader();
    await run(kernel, 'main.py');
    await expect.poll(() => kernel.table.get(1)?.waitingOn).toBe('input()');
    kernel.writeStdin('hello\n');
    await expect.poll(() => reads).toEqual(['hello\n']);
    kernel.closeStdin();
    await kernel.waitIdle();
    expect(kernel.table.get(1)?.exitCode).toBe(0);
  });

  it('Ctrl-D is end of file once, as on a tty; a closed input is end of file for good', async () => {
    const reads: string[] = [];
    const { kernel } = setup({
      // Reads on past the first end of file, as `input()` called again after EOFError does.
      'main.py': async (sys) => {
        for (let ends = 0; ends < 3;) {
          const data = await sys.read(0, 1024);
          if (!(data instanceof Uint8Array)) throw new Error('interrupted');
          if (data.length === 0) ends += 1;
          reads.push(new TextDecoder().decode(data));
        }
      },
    });
    await run(kernel, 'main.py');
    kernel.writeStdin('a\n');
    kernel.endOfFile();
    kernel.writeStdin('b\n');
    kernel.closeStdin();
    kernel.writeStdin('lost\n'); // nothing reaches a closed input
    await kernel.waitIdle();
    expect(reads).toEqual(['a\n', '', 'b\n', '', '']);
  });

  it('tells each process which streams are a terminal, and keeps its size current', async () => {
    const seen: boolean[][] = [];
    const { kernel, host } = setup({
      'main.py': async (_sys, request) => {
        seen.push(request.isatty);
        await never();
      },
    });
    await kernel.run({ files, entries: ['main.py'], startMethod: 'fork' }); // the console
    await expect.poll(() => seen).toEqual([[true, true, true]]);
    expect(host.terminalSizes).toEqual([[80, 24]]);
    kernel.resize(132, 40);
    kernel.resize(0, 40); // no such terminal: ignored
    expect(host.terminalSizes).toEqual([
      [80, 24],
      [132, 40],
    ]);
    // The CLI with its standard output piped: only stdin and stderr are a terminal.
    await kernel.run({
      files,
      entries: ['main.py'],
      startMethod: 'fork',
      terminal: { isatty: [true, false, true], columns: 100, rows: 30 },
    });
    await expect.poll(() => seen.at(-1)).toEqual([true, false, true]);
    expect(host.terminalSizes.at(-1)).toEqual([100, 30]);
    kernel.stop();
  });

  it('returns one line per read, as a terminal does, when several arrive at once', async () => {
    const { kernel, reads } = stdinReader();
    await run(kernel, 'main.py');
    kernel.writeStdin('left\nright\npartial');
    kernel.closeStdin();
    await kernel.waitIdle();
    expect(reads).toEqual(['left\n', 'right\n', 'partial']);
  });

  /** A program that reads fd 0 to its end, noting each read as `tag: text` in `reads`. */
  const readerInto =
    (reads: string[]) =>
    (tag: string): Program =>
    async (sys) => {
      for (;;) {
        const data = await sys.read(0, 1024);
        if (!(data instanceof Uint8Array)) return 130; // interrupted
        if (data.length === 0) return 0;
        reads.push(`${tag}: ${new TextDecoder().decode(data)}`);
      }
    };

  it('gives a console tool the typed input and Ctrl-C while it runs, then the run again', async () => {
    const reads: string[] = [];
    const reader = readerInto(reads);
    const { kernel, host } = setup({ 'main.py': reader('run'), 'nc 127.0.0.1 9': reader('nc') });
    await run(kernel, 'main.py');
    expect(await kernel.runTool(['bash'])).toBeNull();
    expect(await kernel.runTool([])).toBeNull();
    const nc = await kernel.runTool(['nc', '127.0.0.1', '9']);
    expect(nc).toBe(2);
    expect(kernel.table.get(2)).toMatchObject({ name: 'nc 127.0.0.1 9', ppid: 0, pgid: 2 });
    await expect.poll(() => kernel.table.get(2)?.waitingOn).toBe('input()');
    kernel.writeStdin('to nc\n');
    await expect.poll(() => reads).toEqual(['nc: to nc\n']);
    kernel.interrupt();
    await expect.poll(() => kernel.table.get(2)?.exitCode).toBe(130);
    expect(host.raised).toEqual([{ pid: 2, signal: Signal.SIGINT }]);
    kernel.writeStdin('to run\n');
    kernel.closeStdin();
    await kernel.waitIdle();
    expect(reads).toEqual(['nc: to nc\n', 'run: to run\n']);
    expect(kernel.table.get(1)?.exitCode).toBe(0);
    expect(kernel.trace.all()).toContainEqual(
      expect.objectContaining({ type: 'spawn', pid: 2, name: 'nc 127.0.0.1 9', method: 'tool' }),
    );
  });

  it('leaves the foreground to the run for a background tool, until fg hands it over', async () => {
    const reads: string[] = [];
    const reader = readerInto(reads);
    const { kernel, host } = setup({ 'main.py': reader('run'), 'nc 127.0.0.1 9': reader('nc') });
    await run(kernel, 'main.py');
    const nc = await kernel.runTool(['nc', '127.0.0.1', '9'], true);
    expect(nc).toBe(2);
    await expect.poll(() => kernel.table.get(2)?.waitingOn).toBe('input()');
    kernel.writeStdin('to run\n');
    await expect.poll(() => reads).toEqual(['run: to run\n']);
    kernel.interrupt(); // Ctrl-C is the foreground's: the run's, not the background job's
    expect(host.raised).toEqual([{ pid: 1, signal: Signal.SIGINT }]);
    expect(kernel.foreground(1234)).toBe(false);
    expect(kernel.foreground(2)).toBe(true);
    kernel.writeStdin('to nc\n');
    await expect.poll(() => reads).toEqual(['run: to run\n', 'nc: to nc\n']);
    kernel.closeStdin();
    kernel.stop();
    await kernel.waitIdle();
  });

  it('shows output before the exit that follows it, decoding split UTF-8', async () => {
    const { kernel, observer } = setup({
      'main.py': async (_sys, request) => {
        const text = bytes('主线程\n');
        print(request, 1, text.subarray(0, 2));
        print(request, 1, text.subarray(2));
        print(request, 2, bytes('oops\n'));
        return 1;
      },
    });
    await run(kernel, 'main.py');
    await kernel.waitIdle();
    await expect.poll(() => observer.events.at(-1)).toBe('exited 1');
    expect(observer.events).toEqual(['out 1:1 主线程\n', 'out 1:2 oops\n', 'exited 1']);
  });

  it('drops what a process writes after it has ended, and frees a lock it died holding', async () => {
    let request!: ExecRequest;
    const { kernel, observer } = setup({
      'main.py': async (_sys, r) => {
        request = r;
        print(r, 1, bytes('before\n'));
        return 0;
      },
    });
    await run(kernel, 'main.py');
    await kernel.waitIdle();
    // A terminated worker can run on a moment: it writes, and takes the ring's lock.
    print(request, 1, bytes('after the end\n'));
    const words = new Int32Array(request.ipc.arena);
    const lockAt = (request.ipc.console >> 2) + Ring.WLOCK;
    Atomics.store(words, lockAt, request.pid);
    await expect.poll(() => Atomics.load(words, lockAt)).toBe(0);
    await kernel.waitIdle();
    expect(observer.events.filter((e) => e.startsWith('out'))).toEqual(['out 1:1 before\n']);
  });

  it('shows the writes of every process in the one order they were made, then an exit', async () => {
    let other!: ExecRequest;
    let started!: () => void;
    const otherStarted = new Promise<void>((resolve) => (started = resolve));
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const { kernel, observer } = setup({
      'a.py': async (_sys, request) => {
        await otherStarted;
        print(request, 1, bytes('a1\n'));
        print(other, 1, bytes('b1\n'));
        print(request, 1, bytes('a2\n'));
        finish();
      },
      'b.py': async (sys, request) => {
        other = request;
        started();
        await finished;
        // What the ring had no room for comes after everything written before the exit.
        sys.exit(0, [{ fd: 1, data: bytes('b-tail\n') }]);
        return never();
      },
    });
    await run(kernel, 'b.py', 'a.py');
    await kernel.waitIdle();
    const lines = observer.events.filter((e) => e.startsWith('out') || e === 'exited 1');
    expect(lines).toEqual([
      'out 2:1 a1\n',
      'out 1:1 b1\n',
      'out 2:1 a2\n',
      'out 1:1 b-tail\n',
      'exited 1',
    ]);
  });

  it('gives each write its thread and time, one piece each unless a flood', async () => {
    const { kernel, observer } = setup({
      'main.py': async (_sys, request) => {
        for (const text of ['one\n', 'two\n', 'three\n']) print(request, 1, bytes(text));
      },
    });
    const chunks: OutputChunk[] = [];
    const output = observer.output.bind(observer);
    observer.output = async (batch: OutputChunk[]) => (chunks.push(...batch), output(batch));
    await run(kernel, 'main.py');
    await kernel.waitIdle();
    expect(chunks.map((c) => [c.text, c.tid])).toEqual([
      ['one\n', 1],
      ['two\n', 1],
      ['three\n', 1],
    ]);
    const times = chunks.map((c) => c.t!);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times[2] - times[0]).toBeLessThan(1000);
  });

  it('stops draining the console while the UI is behind, so a flooding writer must wait', async () => {
    let shown!: () => void;
    const uiBusy = new Promise<void>((resolve) => (shown = resolve));
    const chunks: string[] = [];
    const line = bytes(`${'x'.repeat(99)}\n`);
    let taken = 0;
    let offered = 0;
    const host = new ScriptedHost({
      'main.py': async (_sys, request) => {
        // Far more than the console ring and the kernel's backlog hold together.
        for (let i = 0; i < 40_000; i++) {
          offered += line.length;
          const n = print(request, 1, line);
          taken += n;
          if (n < line.length) break;
          if (i % 1000 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
        }
      },
    });
    const kernel = new Kernel(host, { processLimit: 8 }, () => ({
      output: async (batch: OutputChunk[]) => {
        await uiBusy;
        for (const c of batch) chunks.push(c.text);
      },
      processes: () => {},
      notice: () => {},
      files: () => {},
      bootProgress: () => {},
      deadlock: () => {},
    }));
    await run(kernel, 'main.py');
    await expect.poll(() => taken).toBeGreaterThan(0);
    await expect.poll(() => offered > taken).toBe(true);
    expect(taken).toBeLessThan(4_000_000);
    shown();
    await kernel.waitIdle();
    const text = chunks.join('');
    expect(text.length).toBe(taken);
    // Whole lines, in order; the last one as far as the ring had room for it.
    const lines = text.split('\n');
    expect(lines.slice(0, -1).every((l) => l === 'x'.repeat(99))).toBe(true);
    expect('x'.repeat(99).startsWith(lines.at(-1)!)).toBe(true);
  });
});

describe('threads', () => {
  it('gives threads TIDs from the pid space, lists and traces them, and forgets them at exit', async () => {
    let release!: () => void;
    const hold = new Promise<void>((resolve) => (release = resolve));
    const { kernel, observer, host } = setup({
      'main.py': async (sys) => {
        const a = await sys.threadStart();
        const b = await sys.threadStart();
        if (typeof a !== 'number' || typeof b !== 'number') return 1;
        sys.threadName(a, 'Thread-1 (worker)');
        sys.threadName(b, 'Thread-2 (worker)');
        sys.setSwitchInterval(5);
        sys.threadExit(a);
        await hold;
        sys.threadExit(b);
        sys.setSwitchInterval(0);
        return 0;
      },
    });
    await run(kernel, 'main.py');
    await expect
      .poll(() => observer.table[0]?.threads)
      .toEqual([{ tid: 3, name: 'Thread-2 (worker)', waitingOn: null }]);
    release();
    await kernel.waitIdle();
    expect(host.switchIntervals).toEqual([
      { pid: 1, ms: 5 },
      { pid: 1, ms: 0 },
    ]);
    const threadEvents = kernel.trace.all().flatMap((e) => {
      if (e.type === 'thread-name') return [`${e.type} ${e.tid} ${e.name}`];
      if (e.type === 'thread-start' || e.type === 'thread-exit') return [`${e.type} ${e.tid}`];
      return [];
    });
    expect(threadEvents).toEqual([
      'thread-start 2',
      'thread-start 3',
      'thread-name 2 Thread-1 (worker)',
      'thread-name 3 Thread-2 (worker)',
      'thread-exit 2',
      'thread-exit 3',
    ]);
    // The next process's pid comes after the TIDs, as on Linux.
    const [next] = await run(kernel, 'main.py');
    expect(next).toBe(4);
    release();
  });

  it('ignores thread calls about threads the process does not have', async () => {
    const { kernel, observer } = setup({
      'main.py': async (sys) => {
        sys.threadName(99, 'ghost');
        sys.threadExit(99);
        sys.setSwitchInterval(-1);
        return 0;
      },
    });
    await run(kernel, 'main.py');
    await kernel.waitIdle();
    expect(observer.table[0]?.threads).toEqual([]);
    expect(kernel.trace.all().some((e) => e.type.startsWith('thread'))).toBe(false);
  });
});

describe('trace', () => {
  it('keeps the newest events up to its limit, in time order, even when reported late', () => {
    let now = 0;
    const trace = new Trace(() => now, 100);
    for (let i = 0; i < 1000; i++) {
      now = i;
      trace.record({ type: 'exit', pid: i, code: 0 });
    }
    trace.record({ type: 'put', pid: 1, tid: 1, object: 'Queue#1' }, 995.5); // from a batch
    const events = trace.all();
    expect(events).toHaveLength(100);
    expect(events.at(-1)).toMatchObject({ pid: 999 });
    expect(events.findIndex((e) => e.type === 'put')).toBe(events.length - 5);
    // It says how many it let go (the Timeline's "older events dropped"), until cleared.
    expect(trace.dropped).toBe(901);
    trace.clear();
    expect(trace.dropped).toBe(0);
  });

  it('gives a live reader only what is new, in the order recorded', () => {
    let now = 0;
    const trace = new Trace(() => now, 100);
    trace.record({ type: 'exit', pid: 1, code: 0 });
    const first = trace.since(0);
    expect(first).toMatchObject({ next: 1, dropped: 0, now: 0 });
    expect(first.events).toHaveLength(1);
    now = 5;
    trace.record({ type: 'exit', pid: 2, code: 0 });
    trace.record({ type: 'put', pid: 3, tid: 3, object: 'Queue#1' }, 2); // a late batch
    expect(trace.since(first.next).events.map((e) => e.t)).toEqual([5, 2]);
    // Past the bound, the reader gets what is kept and learns how much was let go.
    for (let i = 0; i < 200; i++) trace.record({ type: 'exit', pid: 10 + i, code: 0 });
    const late = trace.since(3);
    expect(late.events.length).toBeGreaterThanOrEqual(100);
    expect(late).toMatchObject({ next: 203, dropped: 103 });
    // A reader of the run before a clear() starts again from the beginning.
    trace.clear();
    trace.record({ type: 'exit', pid: 1, code: 0 });
    expect(trace.since(203)).toMatchObject({ next: 1, events: [{ pid: 1 }] });
  });
});

describe('the workspace', () => {
  it("puts the page's files in /home/user and reports what the program writes", async () => {
    const { kernel, observer } = setup({ 'main.py': async () => never() });
    writeFile(kernel.workspace.volume, Device.HOME, 'stale.txt', new Uint8Array([1]));
    await kernel.run({
      files: [
        { path: 'main.py', content: 'print(1)' },
        { path: 'data/in.bin', content: btoa('\x00\x01'), encoding: 'base64' },
      ],
      entries: ['main.py'],
      startMethod: 'fork',
    });
    const volume = kernel.workspace.volume;
    expect(listFiles(volume, Device.HOME).map((f) => f.path)).toEqual(['data/in.bin', 'main.py']);
    // What a process does: the volume is shared memory, so the kernel sees it at once.
    writeFile(volume, Device.HOME, 'results.csv', new TextEncoder().encode('a,b\n1,2\n'));
    writeFile(volume, Device.HOME, 'raw.bin', new Uint8Array([0, 255]));
    volume.unlink(ROOT_INODE[Device.HOME], 'main.py');
    await vi.waitFor(() => expect(observer.changes).toHaveLength(3), { timeout: 2000 });
    expect(observer.changes).toEqual(
      expect.arrayContaining([
        { file: { path: 'results.csv', content: 'a,b\n1,2\n' } },
        { file: { path: 'raw.bin', content: btoa('\x00\xff'), encoding: 'base64' } },
        { removed: 'main.py' },
      ]),
    );
    kernel.stop();
    kernel.dispose();
  });
});
