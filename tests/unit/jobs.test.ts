/** The command line's jobs: numbers, %specs, bash's layout, ends, and kill's job targets. */
import { describe, expect, it } from 'vitest';
import { formatJob, JobTable } from '../../src/ui/jobs';
import type { ProcessInfo } from '../../workers/protocol/kernel';

const row = (pid: number, exitCode: number | null): ProcessInfo => ({
  pid,
  ppid: 0,
  pgid: pid,
  name: '',
  state: exitCode === null ? 'running' : 'exited',
  waitingOn: null,
  exitCode,
  threads: [],
  sockets: [],
});
const text = (table: JobTable) => table.list().map((r) => formatJob(r, 'Running'));

describe('JobTable', () => {
  it('numbers jobs one above the highest listed, marks current and previous as bash', () => {
    const jobs = new JobTable();
    jobs.add(5, 'python client.py', true);
    jobs.add(7, 'nc 127.0.0.1 9000', false);
    jobs.add(9, 'sleep 100', true);
    expect(text(jobs)).toEqual([
      '[1]   Running                 python client.py &',
      '[2]-  Running                 nc 127.0.0.1 9000',
      '[3]+  Running                 sleep 100 &',
    ]);
    expect([jobs.find(undefined), jobs.find('%%'), jobs.find('%-'), jobs.find('%1')]).toEqual([
      expect.objectContaining({ pid: 9 }),
      expect.objectContaining({ pid: 9 }),
      expect.objectContaining({ pid: 7 }),
      expect.objectContaining({ pid: 5 }),
    ]);
    expect(jobs.find('%4')).toBeUndefined();
    expect(jobs.find('1')).toBeUndefined();
    jobs.foregrounded(jobs.find('%1')!);
    expect(text(jobs)[0]).toBe('[1]+  Running                 python client.py');
  });

  it('reports how each job ended, once, and then reuses its number', () => {
    const jobs = new JobTable();
    jobs.add(5, 'sleep 1', true);
    jobs.add(6, 'python a.py', true);
    jobs.add(7, 'python b.py', true);
    const ended = jobs.ended([row(5, 0), row(6, -15), row(7, 3)]);
    expect(ended.map((r) => [r.job.number, r.mark, r.state])).toEqual([
      [1, ' ', { kind: 'done' }],
      [2, '-', { kind: 'signal', signal: 15 }],
      [3, '+', { kind: 'exit', code: 3 }],
    ]);
    expect(formatJob(ended[1], 'Terminated')).toBe('[2]-  Terminated              python a.py');
    expect(jobs.ended([row(5, 0)])).toEqual([]);
    expect(jobs.add(8, 'again', true).number).toBe(1);
  });

  it("gives kill each %job's process group, behind --, or names the unknown job", () => {
    const jobs = new JobTable();
    jobs.add(12, 'python server.py', true);
    expect(jobs.killArguments(['kill', '%1'])).toEqual(['kill', '--', '-12']);
    expect(jobs.killArguments(['kill', '-9', '%+', '3'])).toEqual(['kill', '-9', '--', '-12', '3']);
    expect(jobs.killArguments(['kill', '-s', 'INT', '--', '%1'])).toEqual([
      'kill',
      '-s',
      'INT',
      '--',
      '-12',
    ]);
    expect(jobs.killArguments(['kill', '-l'])).toEqual(['kill', '-l']);
    expect(jobs.killArguments(['kill', '%2'])).toEqual({ unknown: '%2' });
  });
});
