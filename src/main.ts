/** The playground page: wires the store, the editor, the console and the process list to the kernel. */
import type { OutputChunk, Pid, ProcessInfo } from '../workers/protocol/kernel';
import { translate, type MessageKey } from './i18n';
import { bootSandbox, errorText } from './boot';
import type { Kernel } from './kernel-client';
import { exampleWorkspace, isUntouched, type Example } from './gallery';
import { decodeShare, encodeShare, isShareFragment, shareProblemMessage } from './share';
import { defaultState, runEntries, Store, type KeyValueStorage } from './store';
import './styles.css';
import { installTestHooks } from './test-hooks';
import { Console, type NoteColour } from './ui/console';
import { Editor } from './ui/editor';
import { ProcessList } from './ui/process-list';
import { bindCommandLine, type Command } from './ui/command-line';
import { GalleryDialog } from './ui/gallery-dialog';
import { ShareDialog } from './ui/share-dialog';
import { bindToolbar, element } from './ui/toolbar';

/** localStorage, or (when the browser refuses it) a memory-only stand-in. */
function browserStorage(): KeyValueStorage {
  try {
    const storage = window.localStorage;
    storage.getItem('procbox.probe');
    return storage;
  } catch {
    const memory = new Map<string, string>();
    return { getItem: (k) => memory.get(k) ?? null, setItem: (k, v) => void memory.set(k, v) };
  }
}

const store = new Store(browserStorage(), navigator.language);
const t = (key: MessageKey, params?: Record<string, string | number>) =>
  translate(store.state.locale, key, params);
const note = (text: string, colour?: NoteColour) => terminal.note(text, colour);

let kernel: Kernel | null = null;
const terminal = new Console(element('console'), {
  line: (text) => void kernel?.writeStdin(text),
  interrupt: () => void kernel?.interrupt(),
  endOfFile: () => void kernel?.closeStdin(),
});
const editor = new Editor(element('editor'), element('tabs'), store, () => void run());
const processList = new ProcessList(element<HTMLTableElement>('process-list'), store.state.locale);
installTestHooks(terminal, editor);

/**
 * Pids are never reused in a session, so anything at or below this pid belongs to an earlier
 * run: its late output (a process killed as Run started) must not land in the cleared console.
 */
let previousRunMaxPid = 0;
let maxPidSeen = 0;
const reportedExits = new Set<Pid>();

function reportExits(table: ProcessInfo[]): void {
  for (const p of table) {
    if (p.state !== 'exited' || p.exitCode === null || p.exitCode === 0) continue;
    if (p.pid <= previousRunMaxPid || reportedExits.has(p.pid)) continue;
    reportedExits.add(p.pid);
    terminal.note(
      p.exitCode < 0
        ? t('killedBySignal', { pid: p.pid, signal: -p.exitCode })
        : t('exitedWithCode', { pid: p.pid, code: p.exitCode }),
    );
  }
}

function showOutput(chunks: OutputChunk[]): Promise<void> {
  for (const c of chunks) maxPidSeen = Math.max(maxPidSeen, c.pid);
  return terminal.output(chunks.filter((c) => c.pid > previousRunMaxPid));
}

function showProcesses(table: ProcessInfo[]): void {
  for (const p of table) maxPidSeen = Math.max(maxPidSeen, p.pid);
  processList.update(table.filter((p) => p.pid > previousRunMaxPid));
  reportExits(table);
}

async function run(): Promise<void> {
  if (!kernel) {
    terminal.note(t('notReady'), 'yellow');
    return;
  }
  const { files, startMethod } = store.state;
  const entries = runEntries(store.state);
  terminal.clear();
  processList.clear();
  previousRunMaxPid = maxPidSeen;
  reportedExits.clear();
  terminal.note(t('runStarted', { files: entries.join(' → '), method: startMethod }));
  terminal.focus();
  try {
    const pids = await kernel.run({ files: files.map((f) => ({ ...f })), entries, startMethod });
    for (const pid of pids) maxPidSeen = Math.max(maxPidSeen, pid);
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

/** A line from the console's command line: a tool starts beside the run, in the foreground. */
async function runCommand(command: Command, line: string): Promise<void> {
  if (command.kind === 'help') terminal.note(t('commandHelp'));
  else if (command.kind === 'clear') terminal.clear();
  else if (command.kind === 'unknown')
    terminal.note(t('commandUnknown', { name: command.name }), 'red');
  else if (command.kind === 'unclosedQuote') terminal.note(t('commandUnclosedQuote'), 'red');
  else if (command.kind === 'tool') {
    if (!kernel) {
      terminal.note(t('notReady'), 'yellow');
      return;
    }
    terminal.note(`$ ${line}`);
    terminal.focus(); // typed lines now go to the tool
    try {
      const pid = await kernel.runTool(command.argv);
      if (pid === null) terminal.note(t('commandNotStarted'), 'red');
      else maxPidSeen = Math.max(maxPidSeen, pid);
    } catch (error) {
      terminal.note(t('runFailed', { detail: errorText(error) }), 'red');
    }
  }
}

/** Replacing the files asks first, unless they are untouched (the starting file, an example). */
function mayReplaceFiles(question: string): boolean {
  return isUntouched(store.state.files, defaultState().files) || confirm(question);
}

function openExample(example: Example): void {
  const title = t(example.title);
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

bindToolbar(store, {
  run: () => void run(),
  stop: () => void stop(),
  newFile: () => editor.newFile(),
  renameFile: () => editor.renameActive(),
  deleteFile: () => editor.deleteActive(),
  localeChanged: (locale) => processList.setLocale(locale),
});
const gallery = new GalleryDialog(() => store.state.locale, openExample);
const shareDialog = new ShareDialog(() => store.state.locale);
element('open-examples').addEventListener('click', () => gallery.show());
element('share').addEventListener('click', () => shareDialog.show(shareLink()));
window.addEventListener('hashchange', openSharedLink);
bindCommandLine(element<HTMLInputElement>('command-line'), {
  execute: (command, line) => void runCommand(command, line),
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
openSharedLink();
void bootSandbox({ output: showOutput, processes: showProcesses }, { t, note }).then((booted) => {
  kernel = booted;
  if (kernel) terminal.note(t('ready', { files: runEntries(store.state).join(' → ') }));
});
