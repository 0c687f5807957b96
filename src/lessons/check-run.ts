/**
 * One check run, as the playground's Check button and `procbox check` both make it: start the
 * lesson's entries with the learner's files, wait for the foreground entry (or the lesson's
 * time limit), give servers a moment, stop everything, and grade what happened.
 */
import type {
  OutputChunk,
  Pid,
  ProcessInfo,
  RunRequest,
  TraceEvent,
  WorkspaceFile,
} from '../../workers/protocol/kernel';
import { SERVER_GRACE_MS } from '../../workers/protocol/constants';
import { gradeRun, type CheckResult, type RunRecord } from './checks';
import { filesForCheck, type Lesson } from './format';

/** A check run keeps at most this much output: a program that floods the console must not
 * fill the page's memory before its time runs out. Checks then see the output cut there. */
export const MAX_CHECK_OUTPUT_CHARS = 4 << 20;

/** What the page's kernel observer sees, kept for a check run to read. */
export class RunWatch {
  private table: ProcessInfo[] = [];
  private readonly waiters: (() => void)[] = [];
  private chunks: OutputChunk[] | null = null;
  private kept = 0;
  private onDeadlock: (() => void) | null = null;
  /** The run wrote more than MAX_CHECK_OUTPUT_CHARS: its output was cut. */
  cut = false;

  output(chunks: OutputChunk[]): void {
    if (!this.chunks) return;
    for (const chunk of chunks) {
      if (this.kept + chunk.text.length > MAX_CHECK_OUTPUT_CHARS) {
        this.cut = true;
        return;
      }
      this.kept += chunk.text.length;
      this.chunks.push(chunk);
    }
  }

  processes(table: ProcessInfo[]): void {
    this.table = table;
    this.waiters.splice(0).forEach((wake) => wake());
  }

  /** The kernel found the run deadlocked: a check run waiting for its end stops it now. */
  deadlock(): void {
    this.onDeadlock?.();
  }

  /** Resolves at the next deadlock the kernel reports. */
  nextDeadlock(): Promise<void> {
    return new Promise((resolve) => (this.onDeadlock = resolve));
  }

  /** A fresh kernel numbers its pids from 1 again: the old table names none of its processes. */
  forget(): void {
    this.table = [];
  }

  /** Starts keeping output (until the next call), for the run about to begin. */
  collect(): OutputChunk[] {
    this.chunks = [];
    this.kept = 0;
    this.cut = false;
    return this.chunks;
  }

  exitCode(pid: Pid): Promise<number> {
    return new Promise((resolve) => {
      const look = () => {
        const code = this.table.find((p) => p.pid === pid)?.exitCode;
        if (code !== undefined && code !== null) resolve(code);
        else this.waiters.push(look);
      };
      look();
    });
  }

  alive(): Pid[] {
    return this.table.filter((p) => p.state !== 'exited').map((p) => p.pid);
  }
}

export interface CheckKernel {
  run(request: RunRequest): Promise<Pid[]>;
  stop(): Promise<void>;
  trace(): Promise<TraceEvent[]>;
  /** The workspace's files as the run left them. */
  files(): Promise<WorkspaceFile[]>;
}

export interface CheckReport {
  results: CheckResult[];
  timedOut: boolean;
  /** The run deadlocked: it was stopped then, not at the time limit. */
  deadlocked: boolean;
  /** The run flooded its output past MAX_CHECK_OUTPUT_CHARS. */
  outputCut: boolean;
  /** The record the results were graded from (for tests and the curious). */
  record: RunRecord;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Events of the run's own processes: its entries and their descendants. */
function ownEvents(trace: TraceEvent[], entryPids: Pid[]): TraceEvent[] {
  const pids = new Set(entryPids);
  for (const event of trace) {
    if (event.type === 'spawn' && pids.has(event.ppid)) pids.add(event.pid);
  }
  return trace.filter((event) => {
    if (event.type === 'deadlock') return event.report.stuck.some((link) => pids.has(link.pid));
    return pids.has('pid' in event ? event.pid : event.to);
  });
}

export async function runLessonCheck(
  kernel: CheckKernel,
  watch: RunWatch,
  lesson: Lesson,
  learnerFiles: readonly WorkspaceFile[],
): Promise<CheckReport> {
  const output = watch.collect();
  const pids = await kernel.run({
    files: filesForCheck(lesson, learnerFiles),
    entries: [...lesson.entries],
    startMethod: lesson.startMethod,
  });
  const foreground = pids.at(-1)!;
  const ended = await Promise.race([
    watch.exitCode(foreground).then(() => 'exited' as const),
    sleep(lesson.timeoutSeconds * 1000).then(() => 'timedOut' as const),
    // Nothing can happen any more: waiting for the time limit would only keep the learner.
    watch.nextDeadlock().then(() => 'deadlocked' as const),
  ]);
  const timedOut = ended === 'timedOut';
  if (ended === 'exited' && pids.length > 1) await sleep(SERVER_GRACE_MS);
  const stillRunning = watch.alive();
  await kernel.stop();
  const record: RunRecord = {
    entries: lesson.entries.map((path, i) => ({ path, pid: pids[i] })),
    output: [...output],
    trace: ownEvents(await kernel.trace(), pids),
    stillRunning,
    timedOut,
    files: await kernel.files(),
  };
  const deadlocked = ended === 'deadlocked';
  const results = gradeRun(lesson.checks, record);
  return { results, timedOut, deadlocked, outputCut: watch.cut, record };
}
