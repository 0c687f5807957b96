/** The playground page: wires the store, the editor, the console and the process list to the kernel.
 * main.ts loads it once the editor's language is set. */
import type {
  BootProgress,
  DeadlockReport,
  OutputChunk,
  Pid,
  ProcessInfo,
  StartMethod,
  WorkspaceChange,
  WorkspaceFile,
} from '../workers/protocol/kernel';
import type { SocketInfo } from '../workers/protocol/net';
import { translate, type MessageKey } from './i18n';
import { bootSandbox, errorText } from './boot';
import type { Kernel } from './kernel-client';
import { exampleWorkspace, isUntouched, type Example } from './gallery';
import { decodeShare, encodeShare, isShareFragment, shareProblemMessage } from './share';
import { runLessonCheck, RunWatch } from './lessons/check-run';
import { lessonById } from './lessons/catalog';
import type { Lesson } from './lessons/format';
import { lessonStorageKey, ProgressStore } from './lessons/progress';
import { storage, store } from './page-store';
import { defaultState, runEntries, STORAGE_KEY, type WorkspaceState } from './store';
import { installTestHooks, installTimelineHook } from './test-hooks';
import { PreferenceStore } from './preferences';
import { Layout } from './ui/layout';
import { BootProgressView } from './ui/boot-progress';
import { TimelineView } from './ui/timeline-view';
import { deadlockText } from './timeline/deadlock-text';
import { bindSettings } from './ui/settings';
import { followTheme } from './ui/theme';
import { Console, type NoteColour } from './ui/console';
import { Editor } from './ui/editor';
import { loadEditorTools } from './editor-tools';
import { bindFileTransfer, watchSaving } from './ui/file-transfer';
import { ProcessList } from './ui/process-list';
import { bindCommandLine } from './ui/command-line';
import { JobControl } from './ui/job-control';
import { PythonHints } from './ui/python-hints';
import { TracebackReader } from './ui/traceback-links';
import { GalleryDialog } from './ui/gallery-dialog';
import { LessonPane, LessonsDialog } from './ui/lessons';
import { ShareDialog } from './ui/share-dialog';
import { PreviewView } from './ui/preview-view';
import { bindToolbar, element } from './ui/toolbar';

const progress = new ProgressStore(storage);
/** Output and exits, kept for the lesson checks to read. */
const watch = new RunWatch();
const t = (key: MessageKey, params?: Record<string, string | number>) =>
  translate(store.state.locale, key, params);
const note = (text: string, colour?: NoteColour) => terminal.note(text, colour);

let kernel: Kernel | null = null;
const terminal = new Console(element('console'), {
  line: (text) => void kernel?.writeStdin(text),
  interrupt: () => void kernel?.interrupt(),
  endOfFile: () => void kernel?.endOfFile(),
});
const editor = new Editor(element('editor'), element('tabs'), store, () => void run());
const processList = new ProcessList(element<HTMLTableElement>('process-list'), store.state.locale);
const bootProgress = new BootProgressView(element('boot-progress'), t);
const timeline = new TimelineView(
  document.querySelector<HTMLElement>('.lower-tabs')!,
  { other: element('process-list'), timeline: element('timeline'), preview: element('preview') },
  () => kernel,
  t,
  {
    marks: () => terminal.marks(),
    show(mark) {
      layout.showOnPhone('console');
      terminal.showWrite(mark.id);
    },
  },
);
const preview = new PreviewView(element('preview'), () => kernel, t);
const preferences = new PreferenceStore(storage);
const layout = new Layout(element('workspace'), preferences, element('phone-tabs'));
terminal.linkTracebacks(
  (path) => store.file(path) !== undefined,
  (path, line) => {
    layout.showOnPhone('editor');
    editor.reveal(path, line);
  },
);
installTestHooks(terminal, editor);
// With the Timeline shown, a line clicked in the console rings the write on it.
terminal.onWriteClick((mark) => timeline.ringWrite(mark));
installTimelineHook(timeline.panel);
bindSettings(preferences);
followTheme(preferences, (theme) => {
  editor.setAppearance(theme, preferences.value.fontSize);
  terminal.setAppearance(theme, preferences.value.fontSize - 1);
});
/** The locale Monaco's own labels were loaded in (main.ts): they change at the next load. */
const editorLocale = store.state.locale;

/**
 * Pids are never reused in a session, so anything at or below this pid belongs to an earlier
 * run: its late output (a process killed as Run started) must not land in the cleared console.
 */
let previousRunMaxPid = 0;
let maxPidSeen = 0;
const reportedExits = new Set<Pid>();
/** The console command line's lines and jobs. */
const jobControl = new JobControl({
  kernel: () => kernel,
  note: (text, colour, wrap) => terminal.note(text, colour, wrap),
  clear: () => terminal.clear(),
  focus: () => terminal.focus(),
  t,
  started: (pid) => void (maxPidSeen = Math.max(maxPidSeen, pid)),
});

function reportExits(table: ProcessInfo[]): void {
  for (const p of table) {
    if (p.state !== 'exited' || p.exitCode === null || p.exitCode === 0) continue;
    if (p.pid <= previousRunMaxPid || reportedExits.has(p.pid)) continue;
    if (jobControl.quiet(p)) continue; // a background job's: its end is announced
    reportedExits.add(p.pid);
    terminal.note(
      p.exitCode < 0
        ? t('killedBySignal', { pid: p.pid, signal: -p.exitCode })
        : t('exitedWithCode', { pid: p.pid, code: p.exitCode }),
    );
  }
}

/** Advice after a traceback from a program written for an older Python. */
const hints = new PythonHints();
/** Where each traceback ended in the workspace: marked in the editor. */
const tracebacks = new TracebackReader((path) => store.file(path) !== undefined);

function showOutput(chunks: OutputChunk[]): Promise<void> {
  watch.output(chunks);
  for (const c of chunks) maxPidSeen = Math.max(maxPidSeen, c.pid);
  const shown = chunks.filter((c) => c.pid > previousRunMaxPid);
  const advice = shown.flatMap((c) => hints.feed(c.pid, c.fd, c.text));
  for (const c of shown) {
    for (const failure of tracebacks.feed(c.pid, c.fd, c.text)) {
      editor.markFailure(failure.path, failure.line, failure.message);
    }
  }
  const written = terminal.output(shown);
  if (advice.length === 0) return written;
  return written.then(() => advice.forEach((key) => terminal.note(t(key), 'yellow', true)));
}

function showProcesses(table: ProcessInfo[], browser: SocketInfo[]): void {
  watch.processes(table);
  for (const p of table) maxPidSeen = Math.max(maxPidSeen, p.pid);
  const ofThisRun = table.filter((p) => p.pid > previousRunMaxPid);
  processList.update(ofThisRun, browser);
  preview.update(ofThisRun);
  jobControl.reportEnded(table);
  reportExits(table);
}

/** Counts Runs and Checks: a run's end line is written only if neither began meanwhile. */
let runGeneration = 0;

/** A lesson check is running: Run waits for it, as it would end the check's processes. */
let checking = false;

/** Clears the console and the process list for a new run. */
function beginRun(entries: string[], method: string): void {
  terminal.clear();
  processList.clear();
  preview.runStarted();
  previousRunMaxPid = maxPidSeen;
  reportedExits.clear();
  jobControl.reset();
  hints.reset();
  tracebacks.reset();
  editor.clearFailures();
  timeline.runStarted();
  terminal.note(t('runStarted', { files: entries.join(' → '), method }));
  terminal.focus();
}

/** Run pressed while Python starts: it runs once the sandbox is up. */
let runWhenReady = false;

async function run(): Promise<void> {
  layout.showOnPhone('console');
  const { files, startMethod } = store.state;
  await runFiles(files, runEntries(store.state), startMethod);
}

/** Runs `files` (the workspace's, or a lesson's own) and says when the run has ended. */
async function runFiles(
  files: readonly WorkspaceFile[],
  entries: string[],
  startMethod: StartMethod,
  note?: string,
): Promise<void> {
  if (checking) {
    terminal.note(t('checkRunning'), 'yellow');
    return;
  }
  if (!kernel) {
    if (!runWhenReady) terminal.note(t('runQueued'), 'yellow');
    runWhenReady = true;
    return;
  }
  beginRun(entries, startMethod);
  if (note) terminal.note(note);
  const generation = ++runGeneration;
  const started = performance.now();
  try {
    const request = { files: files.map((f) => ({ ...f })), entries, startMethod };
    const pids = await kernel.run(request);
    for (const pid of pids) maxPidSeen = Math.max(maxPidSeen, pid);
    const last = pids.at(-1);
    if (last === undefined) return;
    // The run has ended once nothing it started is left (a server outlives its client).
    const code = await watch.exitCode(last);
    await kernel.waitIdle();
    if (generation !== runGeneration) return; // another run began meanwhile
    timeline.runEnded();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    terminal.note(
      code < 0
        ? t('runFinishedBySignal', { signal: -code, seconds })
        : t('runFinished', { code, seconds }),
    );
  } catch (error) {
    terminal.note(t('runFailed', { detail: errorText(error) }), 'red');
  }
}

async function stop(): Promise<void> {
  try {
    await kernel?.stop();
  } catch (error) {
    terminal.note(t('runFailed', { detail: errorText(error) }), 'red');
  }
}

/** Replacing the files asks first, unless they are untouched (the starting file, an example). */
function mayReplaceFiles(question: string): boolean {
  return isUntouched(store.state.files, defaultState().files) || confirm(question);
}

function openExample(example: Example): void {
  const title = t(example.title);
  if (lessonPane.current) openLesson(null);
  if (!mayReplaceFiles(t('replaceConfirm', { title }))) return;
  store.update(exampleWorkspace(example));
  terminal.note(t('exampleOpened', { title }));
}

/** A `#v1:…` link: restores its playground (after asking, if that replaces the user's work),
 * runs nothing, and on any fault says why and leaves the saved files alone. */
function openSharedLink(): void {
  let fragment = location.hash.slice(1);
  try {
    fragment = decodeURIComponent(fragment); // a chat app may have escaped the ':'
  } catch {
    // a stray '%': decodeShare reports the link as damaged
  }
  if (!isShareFragment(fragment)) return;
  history.replaceState(null, '', location.pathname + location.search); // opened once
  const shared = decodeShare(fragment);
  if (lessonPane.current) openLesson(null); // a link opens in the playground, not a lesson
  if ('kind' in shared) {
    terminal.note(shareProblemMessage(store.state.locale, shared), 'red');
    return;
  }
  const same = JSON.stringify(shared.files) === JSON.stringify(store.state.files);
  if (!same && !mayReplaceFiles(t('shareReplaceConfirm'))) {
    terminal.note(t('shareKept'), 'yellow');
    return;
  }
  store.update(shared);
  terminal.note(t('shareOpened', { files: shared.files.map((f) => f.path).join(', ') }));
}

function shareLink(): string {
  const { files, active, entries, startMethod } = store.state;
  const base = `${location.origin}${location.pathname}`;
  return `${base}#${encodeShare({ files, active, entries, startMethod })}`;
}

/** A lesson's files start as its starter files, with its entries ticked as Check runs them. */
function lessonWorkspace(lesson: Lesson): Omit<WorkspaceState, 'locale' | 'showTags'> {
  return {
    files: lesson.starter.map((f) => ({ ...f })),
    active: lesson.entries.find((e) => !lesson.given.includes(e)) ?? lesson.entries[0],
    entries: lesson.entries.length > 1 ? [...lesson.entries] : [],
    startMethod: lesson.startMethod,
  };
}

/** Opens a lesson in its own saved workspace, or (null) goes back to the playground's. The
 * address says which (`?lesson=ID`), so a reload or a tutorial's link lands there. */
function openLesson(lesson: Lesson | null): void {
  const url = new URL(location.href);
  if (lesson) {
    store.open(lessonStorageKey(lesson.id), () => lessonWorkspace(lesson));
    url.searchParams.set('lesson', lesson.id);
    terminal.note(t('lessonOpened', { title: lesson.title[store.state.locale] }));
  } else {
    store.open(STORAGE_KEY, () => defaultState());
    url.searchParams.delete('lesson');
    terminal.note(t('lessonLeft'));
  }
  history.replaceState(null, '', url);
  lessonPane.show(lesson, lesson ? progress.of(lesson.id)?.results : undefined);
  layout.lessonShown(lesson !== null);
}

async function checkLesson(): Promise<void> {
  const lesson = lessonPane.current;
  if (!lesson || checking) return;
  if (!kernel) {
    terminal.note(t('notReady'), 'yellow');
    return;
  }
  checking = true;
  runGeneration += 1; // a run still waiting to say it ended is over: the check ends it
  lessonPane.setRunning(true);
  layout.showOnPhone('lesson');
  beginRun(lesson.entries, lesson.startMethod);
  try {
    const report = await runLessonCheck(kernel, watch, lesson, store.state.files);
    progress.record(lesson.id, report.results);
    lessonPane.showResults(report.results, report.timedOut, report.deadlocked);
  } catch (error) {
    terminal.note(t('checkFailedToRun', { detail: errorText(error) }), 'red');
  } finally {
    checking = false;
    timeline.runEnded();
    lessonPane.setRunning(false);
  }
}

function resetLesson(): void {
  const lesson = lessonPane.current;
  if (lesson && confirm(t('resetLessonConfirm'))) store.update(lessonWorkspace(lesson));
}

/** A lesson's text shows the timeline of its reference solution (or of its starter) by
 * running it, the learner's files untouched. */
function showLessonTimeline(which: 'solution' | 'starter'): void {
  const lesson = lessonPane.current;
  if (!lesson) return;
  layout.showOnPhone('processes');
  timeline.select(true);
  const note = t(which === 'solution' ? 'lessonRunsSolution' : 'lessonRunsStarter');
  void runFiles(lesson[which], [...lesson.entries], lesson.startMethod, note);
}

const lessonPane = new LessonPane(() => store.state.locale, {
  check: () => void checkLesson(),
  showTimeline: showLessonTimeline,
  reset: resetLesson,
  leave: () => openLesson(null),
});
const lessonsDialog = new LessonsDialog(
  () => store.state.locale,
  progress,
  (lesson) => openLesson(lesson),
);

bindToolbar(store, {
  run: () => void run(),
  stop: () => void stop(),
  newFile: () => editor.newFile(),
  renameFile: () => editor.renameActive(),
  deleteFile: () => editor.deleteActive(),
  localeChanged: (locale) => {
    processList.setLocale(locale);
    preview.setLocale();
    lessonPane.render();
    bootProgress.relabel();
    terminal.setLabels(t('consoleInput'), t('consoleTooMuchOutput'));
    if (locale !== editorLocale) terminal.note(t('editorLanguageNext'));
  },
});
bindFileTransfer(store, { t, note });
watchSaving(store, { t, note });
const gallery = new GalleryDialog(() => store.state.locale, openExample);
const shareDialog = new ShareDialog(() => store.state.locale);
element('open-examples').addEventListener('click', () => gallery.show());
element('open-lessons').addEventListener('click', () => lessonsDialog.show());
element('share').addEventListener('click', () => shareDialog.show(shareLink()));
window.addEventListener('hashchange', openSharedLink);
bindCommandLine(element<HTMLInputElement>('command-line'), {
  execute: (command, line) => void jobControl.execute(command, line),
});
store.subscribe((state) => (terminal.showTags = state.showTags));
terminal.showTags = store.state.showTags;

// Ctrl+Enter runs from anywhere (capture: before the terminal or a control sees it).
window.addEventListener(
  'keydown',
  (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      event.stopPropagation();
      void run();
    }
  },
  true,
);

terminal.note(t('booting'));
const lessonId = new URLSearchParams(location.search).get('lesson');
if (lessonId !== null) {
  const lesson = lessonById(lessonId);
  if (lesson) openLesson(lesson);
  else terminal.note(t('lessonMissing', { id: lessonId }), 'yellow');
}
openSharedLink();
const kernelObserver = {
  output: showOutput,
  processes: showProcesses,
  // What the program writes in /home/user shows in the file tabs (and the editor) as it runs.
  files: (changes: WorkspaceChange[]) => store.applyChanges(changes),
  bootProgress: (progress: BootProgress) => bootProgress.show(progress),
  deadlock: (report: DeadlockReport) => {
    terminal.note(deadlockText(report, store.state.locale), 'red');
    watch.deadlock();
  },
};
void bootSandbox(kernelObserver, { t, note }).then((booted) => {
  kernel = booted;
  bootProgress.done();
  if (!kernel) return;
  terminal.note(t('ready', { files: runEntries(store.state).join(' → ') }));
  terminal.onSize((columns, rows) => void kernel?.resize(columns, rows));
  if (runWhenReady) void run();
});
// The editor's larger tools once the page is up: the first load stays lean.
void loadEditorTools(editor, () => store.state.locale);
