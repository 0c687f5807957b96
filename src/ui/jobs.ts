/**
 * The console command line's jobs, kept as bash keeps them: each line it starts is a job,
 * numbered one above the highest still listed; `%n`, `%+` (or `%%`, or none: the current job,
 * the one started or brought to the foreground last) and `%-` (the one before) name them.
 * Bash's layout: `[1]+  Running                 python client.py &`.
 */
import type { Pid, ProcessInfo } from '../../workers/protocol/kernel';

export interface Job {
  number: number;
  /** The process the line started: it leads the job's process group. */
  pid: Pid;
  /** The line as typed, without its `&`. */
  line: string;
  /** Started with `&` and not brought to the foreground since. */
  background: boolean;
}

/** How a job stands: running, or how it ended (exit code, or the signal that ended it). */
export type JobState =
  | { kind: 'running' }
  | { kind: 'done' }
  | { kind: 'exit'; code: number }
  | { kind: 'signal'; signal: number };

/** A job as `jobs` shows it: its mark (`+` current, `-` previous) and its state. */
export interface JobReport {
  job: Job;
  mark: '+' | '-' | ' ';
  state: JobState;
}

/** Bash's line for a job; `state` is its state already in the user's language. */
export function formatJob({ job, mark, state }: JobReport, stateText: string): string {
  const amp = state.kind === 'running' && job.background ? ' &' : '';
  return `[${job.number}]${mark}  ${stateText.padEnd(24)}${job.line}${amp}`;
}

export class JobTable {
  private jobs: Job[] = [];
  /** Job numbers, the current one last. */
  private recent: number[] = [];

  add(pid: Pid, line: string, background: boolean): Job {
    const number = Math.max(0, ...this.jobs.map((j) => j.number)) + 1;
    const job = { number, pid, line, background };
    this.jobs.push(job);
    this.recent.push(number);
    return job;
  }

  /** The job `spec` names (`%2`, `%+`, `%%`, `%-`, `%`, or undefined: the current one). */
  find(spec: string | undefined): Job | undefined {
    const text = spec ?? '%+';
    if (text === '%+' || text === '%%' || text === '%') return this.byNumber(this.recent.at(-1));
    if (text === '%-') return this.byNumber(this.recent.at(-2));
    const number = /^%(\d+)$/.exec(text)?.[1];
    return number === undefined ? undefined : this.byNumber(Number(number));
  }

  /** `fg`: the job is in the foreground now, and the current one. */
  foregrounded(job: Job): void {
    job.background = false;
    this.recent = [...this.recent.filter((n) => n !== job.number), job.number];
  }

  /** Every job, in number order, as `jobs` lists them. */
  list(): JobReport[] {
    return [...this.jobs]
      .sort((a, b) => a.number - b.number)
      .map((job) => ({ job, mark: this.mark(job), state: { kind: 'running' } }));
  }

  /** The jobs whose process has ended in `table`: taken off the list, with how each ended. */
  ended(table: ProcessInfo[]): JobReport[] {
    const reports: JobReport[] = [];
    for (const job of [...this.jobs].sort((a, b) => a.number - b.number)) {
      const p = table.find((row) => row.pid === job.pid);
      if (!p || p.state !== 'exited' || p.exitCode === null) continue;
      const code = p.exitCode;
      const state: JobState =
        code === 0
          ? { kind: 'done' }
          : code < 0
            ? { kind: 'signal', signal: -code }
            : { kind: 'exit', code };
      reports.push({ job, mark: this.mark(job), state });
    }
    for (const { job } of reports) this.forget(job);
    return reports;
  }

  /**
   * `kill`'s arguments with each `%job` as its process group (`-pid`), behind a `--` so that
   * kill reads it as a target, not a signal; the first unknown job instead, if any.
   */
  killArguments(argv: string[]): string[] | { unknown: string } {
    const first = argv.findIndex((arg, i) => i > 0 && /^(%|\d)/.test(arg));
    if (first < 0) return argv;
    const targets: string[] = [];
    for (const arg of argv.slice(first)) {
      if (!arg.startsWith('%')) {
        targets.push(arg);
        continue;
      }
      const job = this.find(arg);
      if (!job) return { unknown: arg };
      targets.push(`-${job.pid}`);
    }
    const options = argv.slice(0, first);
    return options.at(-1) === '--' ? [...options, ...targets] : [...options, '--', ...targets];
  }

  clear(): void {
    this.jobs = [];
    this.recent = [];
  }

  private mark(job: Job): '+' | '-' | ' ' {
    if (this.recent.at(-1) === job.number) return '+';
    return this.recent.at(-2) === job.number ? '-' : ' ';
  }

  private byNumber(number: number | undefined): Job | undefined {
    return this.jobs.find((j) => j.number === number);
  }

  private forget(job: Job): void {
    this.jobs = this.jobs.filter((j) => j !== job);
    this.recent = this.recent.filter((n) => n !== job.number);
  }
}
