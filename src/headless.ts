/**
 * The page behind `procbox run` and the fidelity tests: no editor, no console, just the kernel.
 * The driver (Playwright) exposes `procboxOutput`, `procboxProcesses` and `procboxNotice`, then
 * calls `window.procboxHeadless.run(...)`.
 */
import { chromeTrace } from './timeline/chrome-trace';
import { buildTimeline } from './timeline/model';
import { LiveTimeline } from './timeline/live';
import type {
  BootReport,
  KernelNoticeKey,
  OutputChunk,
  ProcessInfo,
  RunRequest,
  TraceEvent,
} from '../workers/protocol/kernel';
import type { DeadlockReport, WorkspaceChange, WorkspaceFile } from '../workers/protocol/kernel';
import { deadlockText } from './timeline/deadlock-text';
import { SERVER_GRACE_MS } from '../workers/protocol/constants';
import type { Locale } from './i18n';
import { ensureIsolated } from './isolation';
import { connectKernel } from './kernel-client';
import { runLessonCheck, RunWatch } from './lessons/check-run';
import { checkSummary, textIn } from './lessons/checks';
import { LessonFormatError, parseLesson } from './lessons/format';

declare global {
  interface Window {
    procboxOutput?: (chunks: OutputChunk[]) => Promise<void>;
    procboxProcesses?: (table: ProcessInfo[]) => void;
    procboxNotice?: (key: KernelNoticeKey | 'deadlock', detail: string) => void;
    /** Files the run wrote or removed in /home/user (the CLI's `--write-back`). */
    procboxFiles?: (changes: WorkspaceChange[]) => void;
    procboxHeadless: HeadlessRunner;
  }
}

export interface HeadlessRunner {
  /** Resolves once Python is booted, saying where its memory snapshot came from. */
  ready: Promise<BootReport>;
  /** Runs and resolves with the exit code of the last entry, once it has exited. */
  run(request: RunRequest): Promise<number>;
  stop(): Promise<void>;
  /** As a run of several entries ends (the last one, a client, has exited): the others, its
   * servers, get SERVER_GRACE_MS to print what its last message made them print, then stop. */
  stopAfterGrace(): Promise<void>;
  writeStdin(text: string): void;
  closeStdin(): void;
  /** Ctrl-D: end of file once, as from a tty. */
  endOfFile(): void;
  resize(columns: number, rows: number): void;
  interrupt(): void;
  waitIdle(): Promise<void>;
  /** A fresh kernel on the same booted workers, for the next run (KernelApi.reset). */
  fresh(): Promise<void>;
  trace(): Promise<TraceEvent[]>;
  /** The run's timeline as Chrome's Trace Event JSON (`procbox run --trace FILE`). */
  chromeTrace(): Promise<unknown>;
  /** The bench's "Timeline open" rows: the open panel's reading and model building
   * (timeline/live.ts) for the coming run, without a canvas to draw on. */
  watchTimeline(): void;
  /** Ends it (once the run has ended); says how often the timeline was built, and how many
   * events it last held. */
  unwatchTimeline(): Promise<{ builds: number; events: number; spentMs: number }>;
  processes(): ProcessInfo[];
  /** `procbox check`: grades the learner's files against a lesson folder's files, worded in
   * `locale`. A folder that is no lesson gives `{ error }`. */
  check(
    lessonFiles: [string, string][],
    learnerFiles: WorkspaceFile[],
    locale: Locale,
  ): Promise<CheckOutcome | { error: string }>;
}

export interface CheckOutcome {
  title: string;
  results: { passed: boolean; description: string; reason: string | null }[];
  /** The line under the results: how many passed, and whether time ran out. */
  summary: string;
  timedOut: boolean;
  /** The programs wrote more than a check keeps (MAX_CHECK_OUTPUT_CHARS). */
  outputCut: boolean;
}

let table: ProcessInfo[] = [];
/** The bench's open Timeline, while it watches a run. */
let watched: { live: LiveTimeline; watching: { builds: number; events: number } } | null = null;
const watch = new RunWatch();

/** Batches handed to the driver and not yet acknowledged: a window, not a round trip each. */
const OUTPUT_WINDOW = 16;
const delivering = new Set<Promise<void>>();

/** Hands output to the driver in order (its calls arrive in the order they are made), waiting
 * only while a full window is unacknowledged: the driver's back-pressure. */
async function deliver(chunks: OutputChunk[]): Promise<void> {
  const send = window.procboxOutput;
  if (!send) return;
  const sent = send(chunks).finally(() => delivering.delete(sent));
  delivering.add(sent);
  while (delivering.size >= OUTPUT_WINDOW) await Promise.race(delivering);
}

const connecting = ensureIsolated().then(() =>
  connectKernel(
    {
      output: async (chunks: OutputChunk[]) => {
        watch.output(chunks);
        await deliver(chunks);
      },
      processes: (next: ProcessInfo[]) => {
        table = next;
        watch.processes(next);
        window.procboxProcesses?.(next);
      },
      notice: (key: KernelNoticeKey, detail: string) => window.procboxNotice?.(key, detail),
      files: (changes: WorkspaceChange[]) => window.procboxFiles?.(changes),
      bootProgress: () => undefined, // the CLI reports its start with --verbose
      // Said on the CLI's standard error, in English, as its other notices.
      deadlock: (report: DeadlockReport) => {
        watch.deadlock();
        window.procboxNotice?.('deadlock', deadlockText(report, 'en'));
      },
    },
    undefined,
    (report) => (bootReport = report),
  ),
);
let bootReport: BootReport | null = null;
const ready = connecting.then(() => bootReport!);

window.procboxHeadless = {
  ready,
  async run(request) {
    const kernel = await connecting;
    const pids = await kernel.run(request);
    const last = pids.at(-1);
    return last === undefined ? 1 : watch.exitCode(last);
  },
  stop: async () => (await connecting).stop(),
  async stopAfterGrace() {
    await new Promise((resolve) => setTimeout(resolve, SERVER_GRACE_MS));
    await (await connecting).stop();
  },
  writeStdin: (text) => void connecting.then((k) => k.writeStdin(text)),
  closeStdin: () => void connecting.then((k) => k.closeStdin()),
  endOfFile: () => void connecting.then((k) => k.endOfFile()),
  resize: (columns, rows) => void connecting.then((k) => k.resize(columns, rows)),
  interrupt: () => void connecting.then((k) => k.interrupt()),
  async waitIdle() {
    await (await connecting).waitIdle();
    await Promise.all(delivering);
  },
  async fresh() {
    await (await connecting).reset();
    table = [];
    watch.forget();
  },
  trace: async () => (await connecting).trace(),
  chromeTrace: async () => chromeTrace(buildTimeline(await (await connecting).trace())),
  watchTimeline() {
    const watching = { builds: 0, events: 0 };
    const live = new LiveTimeline(
      async (from) => (await connecting).traceSince(from),
      ({ events }) => {
        watching.builds += 1;
        watching.events = events;
      },
    );
    live.start();
    watched = { live, watching };
  },
  async unwatchTimeline() {
    const { live, watching } = watched!;
    await live.stop();
    watched = null;
    return { ...watching, spentMs: live.spentMs };
  },
  processes: () => table,
  async check(lessonFiles, learnerFiles, locale) {
    let lesson;
    try {
      lesson = parseLesson('lesson', new Map(lessonFiles));
    } catch (error) {
      if (error instanceof LessonFormatError) return { error: error.message };
      throw error;
    }
    const kernel = await connecting;
    const { results, timedOut, deadlocked, outputCut } = await runLessonCheck(
      kernel,
      watch,
      lesson,
      learnerFiles,
    );
    return {
      timedOut,
      outputCut,
      title: lesson.title[locale],
      results: results.map((r) => ({
        passed: r.passed,
        description: textIn(locale, r.description),
        reason: r.reason && textIn(locale, r.reason),
      })),
      summary: checkSummary(locale, results, timedOut, lesson.timeoutSeconds, deadlocked),
    };
  },
};
