/** The process table as `ps` reads it (Syscalls.processes), and kill(2) to process groups. */
import { describe, expect, it } from 'vitest';
import type { ProcessRow, SpawnRequest } from '../../workers/protocol/process';
import { Errno } from '../../workers/protocol/constants';
import { pidOf, run, setup, spawnRequest } from './scripted-kernel';

const command = (argv: string[], newSession = false): SpawnRequest => ({
  ...spawnRequest(argv.join(' '), 'spawn'),
  payload: new Uint8Array(0),
  command: { argv, env: null, newSession, stdio: [-1, -1, -1] },
});

describe('processes', () => {
  it('lists live processes and unwaited zombies, with their command lines and terminal', async () => {
    let rows: ProcessRow[] = [];
    let reaped: ProcessRow[] = [];
    const { kernel } = setup({
      'main.py': async (sys) => {
        const child = pidOf(await sys.spawn(spawnRequest('Process-1', 'fork')));
        const quick = pidOf(await sys.spawn(command(['true'])));
        const sleeper = pidOf(await sys.spawn(command(['sleep', '5'], true)));
        while (kernel.table.get(quick)?.state !== 'exited') await sys.sleep(1);
        rows = (await sys.processes()) as ProcessRow[];
        for (const pid of [child, sleeper]) await sys.kill(pid, 9);
        while (!('errno' in ((await sys.waitpid(-1, null)) ?? {}))); // reaps them all
        reaped = (await sys.processes()) as ProcessRow[];
      },
      child: async (sys) => void (await sys.sleep(60_000)),
      true: async () => 0,
      'sleep 5': async (sys) => void (await sys.sleep(60_000)),
    });
    await run(kernel, 'main.py');
    await kernel.waitIdle();
    const brief = rows.map(({ pid, ppid, pgid, argv, state, tty, foreground }) => ({
      pid,
      ppid,
      pgid,
      argv,
      state,
      tty,
      foreground,
    }));
    expect(brief).toEqual([
      {
        pid: 1,
        ppid: 0,
        pgid: 1,
        argv: ['python3', 'main.py'],
        state: 'R',
        tty: true,
        foreground: true,
      },
      {
        pid: 2,
        ppid: 1,
        pgid: 1,
        argv: ['python3', 'main.py'],
        state: 'S',
        tty: true,
        foreground: true,
      },
      { pid: 3, ppid: 1, pgid: 1, argv: ['true'], state: 'Z', tty: true, foreground: true },
      { pid: 4, ppid: 1, pgid: 4, argv: ['sleep', '5'], state: 'S', tty: false, foreground: false },
    ]);
    expect(reaped.map((r) => r.pid)).toEqual([1]);
    expect(rows.every((r) => Math.abs(r.started - Date.now()) < 60_000)).toBe(true);
  });
});

describe('kill to a process group', () => {
  it('signals the group of -pid, its own (0) or every other process (-1); ESRCH for none', async () => {
    const replies: unknown[] = [];
    const { kernel } = setup({
      'main.py': async (sys) => {
        const own = pidOf(await sys.spawn(spawnRequest('in my group', 'fork')));
        const leader = pidOf(await sys.spawn(command(['sleep', '5'], true)));
        replies.push(await sys.kill(-leader, 99), await sys.kill(-999, 15));
        replies.push(await sys.kill(-leader, 15));
        replies.push((await sys.waitpid(leader, null)) as unknown);
        replies.push(await sys.kill(-1, 9));
        replies.push((await sys.waitpid(own, null)) as unknown);
        replies.push(await sys.kill(0, 0));
      },
      child: async (sys) => void (await sys.sleep(60_000)),
      'sleep 5': async (sys) => void (await sys.sleep(60_000)),
    });
    await run(kernel, 'main.py');
    await kernel.waitIdle();
    expect(replies).toEqual([
      { errno: Errno.EINVAL },
      { errno: Errno.ESRCH },
      0,
      { pid: 3, exitCode: -15 },
      0,
      { pid: 2, exitCode: -9 },
      0,
    ]);
    expect(kernel.table.get(1)?.exitCode).toBe(0); // -1 spared the caller
  });
});
