/**
 * The embeddable view (`embed.html#v1:…`): editor and console for an iframe in a blog post or a
 * tutorial. It opens the playground of a share link, keeps edits in memory only (an embed
 * must never overwrite the reader's own Procbox workspace), and links to the full playground.
 */
import { translate, type MessageKey } from './i18n';
import { bootSandbox, errorText } from './boot';
import type { Kernel } from './kernel-client';
import { decodeShare, encodeShare, isShareFragment, shareProblemMessage } from './share';
import { runEntries, Store } from './store';
import { installTestHooks } from './test-hooks';
import { TracebackReader } from './ui/traceback-links';
import { Console, type NoteColour } from './ui/console';
import { Editor } from './ui/editor';
import { loadEditorTools } from './editor-tools';
import { applyLocale, element } from './ui/toolbar';
import { followTheme } from './ui/theme';
import { DEFAULT_FONT_SIZE, PreferenceStore } from './preferences';
import { deadlockText } from './timeline/deadlock-text';
import { TimelineView } from './ui/timeline-view';

const memory = new Map<string, string>();
const store = new Store(
  { getItem: (k) => memory.get(k) ?? null, setItem: (k, v) => void memory.set(k, v) },
  navigator.language,
);
const t = (key: MessageKey, params?: Record<string, string | number>) =>
  translate(store.state.locale, key, params);

let kernel: Kernel | null = null;
const terminal = new Console(element('console'), {
  line: (text) => void kernel?.writeStdin(text),
  interrupt: () => void kernel?.interrupt(),
  endOfFile: () => void kernel?.endOfFile(),
});
const editor = new Editor(element('editor'), element('tabs'), store, () => void run());
/** Where each traceback ended in the workspace: marked in the editor. */
const tracebacks = new TracebackReader((path) => store.file(path) !== undefined);
terminal.linkTracebacks((path) => store.file(path) !== undefined, editor.reveal.bind(editor));
installTestHooks(terminal, editor);
applyLocale(store.state.locale);
// The embed follows the reader's system theme; it keeps no settings of its own.
followTheme(new PreferenceStore({ getItem: () => null, setItem: () => undefined }), (theme) => {
  editor.setAppearance(theme, DEFAULT_FONT_SIZE);
  terminal.setAppearance(theme, DEFAULT_FONT_SIZE - 1);
});
void loadEditorTools(editor, () => store.state.locale);
terminal.setLabels(t('consoleInput'), t('consoleTooMuchOutput'));

const fragment = location.hash.slice(1);
if (isShareFragment(fragment)) {
  const shared = decodeShare(fragment);
  if ('kind' in shared) {
    terminal.note(shareProblemMessage(store.state.locale, shared), 'red');
  } else {
    store.update(shared);
  }
}

// The Timeline takes turns with the console below the editor.
const timeline = new TimelineView(
  document.querySelector<HTMLElement>('.lower-tabs')!,
  { other: element('console'), timeline: element('timeline') },
  () => kernel,
  t,
  {
    marks: () => terminal.marks(),
    show(mark) {
      timeline.select(false);
      terminal.showWrite(mark.id);
    },
  },
);

async function run(): Promise<void> {
  if (!kernel) {
    terminal.note(t('notReady'), 'yellow');
    return;
  }
  const { files, startMethod } = store.state;
  terminal.clear();
  timeline.runStarted();
  terminal.focus();
  tracebacks.reset();
  editor.clearFailures();
  try {
    await kernel.run({
      files: files.map((f) => ({ ...f })),
      entries: runEntries(store.state),
      startMethod,
    });
  } catch (error) {
    terminal.note(t('runFailed', { detail: errorText(error) }), 'red');
  }
}

element('run').addEventListener('click', () => void run());
element('stop').addEventListener('click', () => void kernel?.stop());
const openFull = element<HTMLAnchorElement>('open-full');
const updateLink = () => {
  const { files, active, entries, startMethod } = store.state;
  openFull.href = new URL(
    `./#${encodeShare({ files, active, entries, startMethod })}`,
    location.href,
  ).href;
};
store.subscribe(updateLink);
updateLink();

terminal.note(t('booting'));
const note = (text: string, colour?: NoteColour) => terminal.note(text, colour);
void bootSandbox(
  // A program's files change the embedded workspace as they change the playground's.
  {
    output: (chunks) => {
      for (const c of chunks) {
        for (const failure of tracebacks.feed(c.pid, c.fd, c.text)) {
          editor.markFailure(failure.path, failure.line, failure.message);
        }
      }
      return terminal.output(chunks);
    },
    // No process list here: the table tells only when the run has ended.
    processes: (table) => {
      if (table.every((p) => p.state === 'exited')) timeline.runEnded();
    },
    files: (changes) => store.applyChanges(changes),
    bootProgress: () => undefined, // the embed says "Starting Python…" in its console
    deadlock: (report) => terminal.note(deadlockText(report, store.state.locale), 'red'),
  },
  { t, note },
  'embedNotIsolated',
).then((booted) => {
  kernel = booted;
  if (!kernel) return;
  terminal.note(t('ready', { files: runEntries(store.state).join(' → ') }));
  terminal.onSize((columns, rows) => void kernel?.resize(columns, rows));
});
