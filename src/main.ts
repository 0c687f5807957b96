/** The playground page: wires the store, the editor, the console and the process list to the kernel. */
import type { ProcessInfo } from '../workers/protocol/kernel';
import { translate, type Locale, type MessageKey } from './i18n';
import { connectKernel, type Kernel } from './kernel-client';
import { Store } from './store';
import './styles.css';
import { installTestHooks } from './test-hooks';
import { Console } from './ui/console';
import { Editor } from './ui/editor';
import { ProcessList } from './ui/process-list';

function element<T extends HTMLElement>(testid: string): T {
  const el = document.querySelector<T>(`[data-testid="${testid}"]`);
  if (!el) throw new Error(`missing element ${testid}`);
  return el;
}

const store = new Store(localStorage, navigator.language);
const t = (key: MessageKey, params?: Record<string, string | number>) =>
  translate(store.state.locale, key, params);

let kernel: Kernel | null = null;
const terminal = new Console(element('console'), {
  line: (text) => void kernel?.writeStdin(text),
  interrupt: () => void kernel?.interrupt(),
  endOfFile: () => void kernel?.closeStdin(),
});
const editor = new Editor(element('editor'), element('tabs'), store);
const processList = new ProcessList(element<HTMLTableElement>('process-list'), store.state.locale);
installTestHooks(terminal, editor);

/** Exit lines are printed once per process, after its last output. */
const reportedExits = new Set<number>();
function reportExits(table: ProcessInfo[]): void {
  for (const p of table) {
    if (p.exitCode === null || p.exitCode === 0 || reportedExits.has(p.pid)) continue;
    reportedExits.add(p.pid);
    terminal.note(
      p.exitCode < 0
        ? t('killedBySignal', { pid: p.pid, signal: -p.exitCode })
        : t('exitedWithCode', { pid: p.pid, code: p.exitCode }),
    );
  }
}

async function run(): Promise<void> {
  const { files, startMethod } = store.state;
  const entries = store.runEntries();
  terminal.clear();
  reportedExits.clear();
  terminal.note(t('runStarted', { files: entries.join(' + '), method: startMethod }));
  terminal.terminal.focus();
  await kernel?.run({ files, entries, startMethod });
}

function applyLocale(locale: Locale): void {
  document.documentElement.lang = locale;
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n]')) {
    el.textContent = t(el.dataset.i18n as MessageKey);
  }
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n-title]')) {
    el.title = t(el.dataset.i18nTitle as MessageKey);
  }
  processList.setLocale(locale);
}

const startMethod = element<HTMLSelectElement>('start-method');
const tagsToggle = element<HTMLInputElement>('tags-toggle');
const localeSelect = element<HTMLSelectElement>('locale');
function syncControls(): void {
  startMethod.value = store.state.startMethod;
  tagsToggle.checked = store.state.showTags;
  terminal.showTags = store.state.showTags;
  localeSelect.value = store.state.locale;
}
store.subscribe(syncControls);
syncControls();
applyLocale(store.state.locale);

element('run').addEventListener('click', () => void run());
element('stop').addEventListener('click', () => void kernel?.stop());
element('new-file').addEventListener('click', () => editor.newFile());
element('rename-file').addEventListener('click', () => editor.renameActive());
element('delete-file').addEventListener('click', () => editor.deleteActive());
startMethod.addEventListener('change', () =>
  store.update({ startMethod: startMethod.value === 'spawn' ? 'spawn' : 'fork' }),
);
tagsToggle.addEventListener('change', () => store.update({ showTags: tagsToggle.checked }));
localeSelect.addEventListener('change', () => {
  store.update({ locale: localeSelect.value === 'zh-CN' ? 'zh-CN' : 'en' });
  applyLocale(store.state.locale);
});
window.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    void run();
  }
});

terminal.note(t('booting'));
connectKernel({
  output: (chunks) => terminal.output(chunks),
  processes: (table) => {
    processList.update(table);
    reportExits(table);
  },
  notice: (key, detail) => terminal.note(t(key, { detail }), 'yellow'),
}).then(
  (connected) => {
    kernel = connected;
    terminal.note(t('ready', { files: store.runEntries().join(' + ') }));
  },
  (error: unknown) => terminal.note(t('bootFailed', { detail: String(error) }), 'red'),
);
