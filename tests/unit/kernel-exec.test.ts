/** execve and wait(2) in the kernel: the pid that runs a new program, and reaping children. */
import { describe, expect, it } from 'vitest';
import { Errno } from '../../workers/protocol/constants';
import type { ExecCommand, ExecRequest, SpawnRequest } from '../../workers/protocol/process';
import { bytes, never, pidOf, run, setup } from './scripted-kernel';

const command = (argv: string[]): SpawnRequest => ({
  name: argv.join(' '),
  method: 'spawn',
  payload: new Uint8Array(0),
  passFds: [],
  sentinelFd: null,
  cwd: '/home/user',
  files: [],
  command: { argv, env: null, newSession: false, stdio: [-1, -1, -1] },
});

const execOf = (argv: unknown, unwritten: ExecCommand['unwritten'] = []) =>
  ({
    argv,
    env: ['A=1'],
    cwd: '/tmp',
    passFds: [],
    stdio: [-1, -1, -1],
    files: [],
    unwritten,
  }) as ExecCommand;

describe('exec', () => {
  it('runs the new program as the same pid, parent and group; the parent waits for its end', async () => {
    const started: ExecRequest[] = [];
    let waited: unknown;
    const { kernel, observer } = setup({
      'main.py': async (sys) => {
        const child = pidOf(await sys.spawn(command(['python3', 'old.py'])));
        waited = await sys.waitpid(child, null);
      },
      'python3 old.py': async (sys, request) => {
        started.push(request);
        await sys.exec(execOf(['python3', '-c', 'new'], [{ fd: 1, data: bytes('flushed\n') }]));
      },
      'python3 -c new': async (_sys, request) => (started.push(request), 4),
    });
    await run(kernel, 'main.py');
    await kernel.waitIdle();
    expect(started.map((r) => [r.pid, r.ppid, r.cwd])).toEqual([
      [2, 1, '/home/user'],
      [2, 1, '/tmp'],
    ]);
    expect(started[1].job).toMatchObject({
      kind: 'command',
      argv: ['python3', '-c', 'new'],
      env: ['A=1'],
    });
    expect(waited).toEqual({ pid: 2, exitCode: 4 });
    expect(kernel.table.get(2)).toMatchObject({ pgid: 1, name: 'python3 -c new' });
    expect(observer.events).toContain('out 2:1 flushed\n');
    expect(kernel.trace.all().filter((e) => e.type === 'exec')).toEqual([
      expect.objectContaining({ pid: 2, name: 'python3 -c new' }),
    ]);
  });

  it('ends the process with 127 when the command is malformed, as a failed exec past return', async () => {
    let waited: unknown;
    const { kernel } = setup({
      'main.py': async (sys) => {
        const child = pidOf(await sys.spawn(command(['python3', 'old.py'])));
        waited = await sys.waitpid(child, null);
      },
      'python3 old.py': async (sys) => void (await sys.exec(execOf([7]))),
    });
    await run(kernel, 'main.py');
    await kernel.waitIdle();
    expect(waited).toEqual({ pid: 2, exitCode: 127 });
  });
});

describe('wait', () => {
  it('waits for any child (-1) in the order they end, each once, then ECHILD', async () => {
    const results: unknown[] = [];
    const { kernel } = setup({
      'main.py': async (sys) => {
        pidOf(await sys.spawn(command(['slow'])));
        pidOf(await sys.spawn(command(['fast'])));
        results.push(await sys.waitpid(-1, null), await sys.waitpid(-1, null));
        results.push(await sys.waitpid(-1, null), await sys.waitpid(2, 0));
      },
      slow: async (sys) => (await sys.sleep(30), 1),
      fast: async () => 2,
    });
    await run(kernel, 'main.py');
    await kernel.waitIdle();
    expect(results).toEqual([
      { pid: 3, exitCode: 2 },
      { pid: 2, exitCode: 1 },
      { errno: Errno.ECHILD },
      { errno: Errno.ECHILD },
    ]);
  });

  it('returns null at once with WNOHANG while a child runs, and waits by process group', async () => {
    const results: unknown[] = [];
    const { kernel } = setup({
      'main.py': async (sys) => {
        const child = pidOf(await sys.spawn(command(['forever'])));
        results.push(await sys.waitpid(-1, 0), await sys.waitpid(0, 0));
        results.push(await sys.waitpid(-99, 0)); // a group with no children of ours
        await sys.kill(child, 9);
        results.push(await sys.waitpid(0, null));
      },
      forever: () => never(),
    });
    await run(kernel, 'main.py');
    await kernel.waitIdle();
    expect(results).toEqual([null, null, { errno: Errno.ECHILD }, { pid: 2, exitCode: -9 }]);
  });
});
