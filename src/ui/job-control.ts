/**
 * The console command line's lines, carried out: tools and `sh -c` lines start beside the run
 * as jobs (ui/jobs.ts), and `jobs`, `fg` and `kill %N` work on them, announced as bash does.
 */
import type { Pid, ProcessInfo } from '../../workers/protocol/kernel';
import { errorText } from '../boot';
import type { MessageKey } from '../i18n';
import type { Kernel } from '../kernel-client';
import { backgroundPart, type Command } from './command-line';
import type { NoteColour } from './console';
import { formatJob, JobTable, type JobState } from './jobs';

/** What carrying out a line needs of the page. */
export interface JobControlHost {
  kernel(): Kernel | null;
  note(text: string, colour?: NoteColour, wrap?: boolean): void;
  clear(): void;
  /** The console takes the keyboard (typed lines go to the foreground process). */
  focus(): void;
  t(key: MessageKey, params?: Record<string, string | number>): string;
  /** A process started from the command line. */
  started(pid: Pid): void;
}

const SIGNAL_NAMES: Partial<Record<number, MessageKey>> = {
  1: 'jobHangup',
  2: 'jobInterrupt',
  9: 'jobKilled',
  15: 'jobTerminated',
};

export class JobControl {
  private readonly jobs = new JobTable();
  /** The process groups of background jobs: bash announces a job's end, not its processes'. */
  private readonly quietGroups = new Set<Pid>();

  constructor(private readonly host: JobControlHost) {}

  /** Whether a process's end is announced with its job's rather than on its own. */
  quiet(p: ProcessInfo): boolean {
    return this.quietGroups.has(p.pgid);
  }

  /** A background job that ended is announced (`[1]+  Done  cmd`); a foreground one ends as
   * any process does. */
  reportEnded(table: ProcessInfo[]): void {
    for (const report of this.jobs.ended(table)) {
      if (report.job.background) this.host.note(formatJob(report, this.stateText(report.state)));
    }
  }

  /** A new run ends every process, the jobs' too. */
  reset(): void {
    this.jobs.clear();
    this.quietGroups.clear();
  }

  /** A line from the command line: a tool starts beside the run, in the foreground (or, after
   * `&`, in the background), as a job. */
  async execute(command: Command, line: string): Promise<void> {
    const { host } = this;
    const kernel = host.kernel();
    if (command.kind === 'help') host.note(host.t('commandHelp'), 'dim', true);
    else if (command.kind === 'clear') host.clear();
    else if (command.kind === 'unclosedQuote') host.note(host.t('commandUnclosedQuote'), 'red');
    else if (command.kind === 'jobs') {
      host.note(`$ ${line}`);
      for (const report of this.jobs.list()) {
        host.note(formatJob(report, this.stateText(report.state)));
      }
    } else if (!kernel) host.note(host.t('notReady'), 'yellow');
    else if (command.kind === 'fg') await this.foreground(kernel, command.spec, line);
    else if (command.kind === 'tool') await this.start(kernel, command, line);
  }

  private async foreground(kernel: Kernel, spec: string | undefined, line: string) {
    const { host } = this;
    host.note(`$ ${line}`);
    const job = this.jobs.find(spec);
    if (!job || !(await kernel.foreground(job.pid))) {
      host.note(host.t('jobNoSuch', { command: 'fg', spec: spec ?? 'current' }), 'red');
      return;
    }
    this.jobs.foregrounded(job);
    this.quietGroups.delete(job.pid);
    host.note(job.line);
    host.focus(); // typed lines now go to the job
  }

  private async start(kernel: Kernel, command: Command & { kind: 'tool' }, line: string) {
    const { host } = this;
    let argv = command.argv;
    if (command.tool === 'kill') {
      const targets = this.jobs.killArguments(argv);
      if ('unknown' in targets) {
        host.note(host.t('jobNoSuch', { command: 'kill', spec: targets.unknown }), 'red');
        return;
      }
      argv = targets;
    }
    host.note(`$ ${line}`);
    if (!command.background) host.focus(); // typed lines now go to the tool
    try {
      const pid = await kernel.runTool(argv, command.background);
      if (pid === null) {
        host.note(host.t('commandNotStarted'), 'red');
        return;
      }
      host.started(pid);
      if (command.tool === 'kill') return; // a shell's built-in, no job
      const job = this.jobs.add(pid, backgroundPart(line) ?? line.trim(), command.background);
      if (command.background) {
        this.quietGroups.add(pid);
        host.note(host.t('jobStarted', { number: job.number, pid }));
      }
    } catch (error) {
      host.note(host.t('runFailed', { detail: errorText(error) }), 'red');
    }
  }

  private stateText(state: JobState): string {
    const { t } = this.host;
    if (state.kind === 'running') return t('jobRunning');
    if (state.kind === 'done') return t('jobDone');
    if (state.kind === 'exit') return t('jobExit', { code: state.code });
    const named = SIGNAL_NAMES[state.signal];
    return named ? t(named) : t('jobSignal', { signal: state.signal });
  }
}
