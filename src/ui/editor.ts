/** The Monaco editor and its file tabs: open, new, rename, delete, and the run configuration. */
// monaco-editor 0.57 maps `monaco-editor/*` to `esm/vs/*`: these are the lean entry points
// (the editor API alone, plus Python's tokenizer), not the everything-included `editor.main`.
import * as monaco from 'monaco-editor/editor/editor.api';
import 'monaco-editor/languages/definitions/python/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import { translate, type MessageKey } from '../i18n';
import type { WorkspaceFile } from '../../workers/protocol/kernel';
import { invalidFileName, isPythonName, type Store } from '../store';
import { fileSize } from '../workspace-files';

declare global {
  interface Window {
    MonacoEnvironment?: { getWorker(workerId: string, label: string): Worker };
  }
}
self.MonacoEnvironment = { getWorker: () => new EditorWorker() };

/** The owner of the markers a run's tracebacks leave. */
const FAILURE_MARKS = 'procbox-run';

export class Editor {
  readonly editor: monaco.editor.IStandaloneCodeEditor;
  private readonly models = new Map<string, monaco.editor.ITextModel>();
  /** What the tab strip shows; it is rebuilt only when this changes, not on every keystroke. */
  private tabsKey = '';
  /** The last run's failures, by file (markFailure). */
  private readonly failures = new Map<string, monaco.editor.IMarkerData[]>();
  /** Their messages' decorations, by file. */
  private readonly failureNotes = new Map<string, string[]>();
  /** Set while a keystroke is saved: the models already hold what the store receives. */
  private typing = false;

  constructor(
    host: HTMLElement,
    private readonly tabs: HTMLElement,
    private readonly store: Store,
    onRun: () => void,
  ) {
    this.editor = monaco.editor.create(host, {
      automaticLayout: true,
      fontSize: 14,
      fontFamily: '"JetBrains Mono", "Cascadia Mono", Menlo, Consolas, monospace',
      minimap: { enabled: false },
      theme: 'vs-dark',
      scrollBeyondLastLine: false,
      tabSize: 4,
      insertSpaces: true,
      padding: { top: 8 },
      renderWhitespace: 'selection',
    });
    this.editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, onRun);
    // Every edit is saved at once; Ctrl+S is only kept from opening the browser's dialog.
    this.editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => undefined);
    this.editor.onDidChangeModelContent(() => {
      const model = this.editor.getModel();
      for (const [path, m] of this.models) {
        // A binary file's model is a description of it; its bytes stay as the program wrote them.
        if (m !== model || this.store.file(path)?.encoding === 'base64') continue;
        this.typing = true;
        try {
          this.store.setContent(path, m.getValue());
        } finally {
          this.typing = false;
        }
      }
    });
    store.subscribe(() => this.sync());
    this.sync();
  }

  /** Marks `line` of `path` with what a run raised there (a squiggle, the message on hover). */
  markFailure(path: string, line: number, message: string): void {
    const file = this.store.file(path);
    if (!file) return;
    const model = this.model(path, this.shown(file));
    const lineNumber = Math.min(Math.max(1, line), model.getLineCount());
    const marks = [...(this.failures.get(path) ?? [])];
    marks.push({
      severity: monaco.MarkerSeverity.Error,
      message,
      startLineNumber: lineNumber,
      startColumn: model.getLineFirstNonWhitespaceColumn(lineNumber) || 1,
      endLineNumber: lineNumber,
      endColumn: model.getLineMaxColumn(lineNumber),
    });
    this.failures.set(path, marks);
    monaco.editor.setModelMarkers(model, FAILURE_MARKS, marks);
    // The message at the line's end too: the lean editor has no hovers to show a marker's.
    const notes = marks.map((mark) => ({
      range: new monaco.Range(
        mark.startLineNumber,
        mark.startColumn,
        mark.startLineNumber,
        mark.endColumn,
      ),
      options: { after: { content: `  ← ${mark.message}`, inlineClassName: 'failure-note' } },
    }));
    this.failureNotes.set(path, model.deltaDecorations(this.failureNotes.get(path) ?? [], notes));
  }

  /** A new run: the last one's failures are no longer marked. */
  clearFailures(): void {
    for (const path of this.failures.keys()) {
      const model = this.models.get(path);
      if (model) monaco.editor.setModelMarkers(model, FAILURE_MARKS, []);
      model?.deltaDecorations(this.failureNotes.get(path) ?? [], []);
    }
    this.failures.clear();
    this.failureNotes.clear();
  }

  /** The marked failures: file, line and message. */
  markedFailures(): { path: string; line: number; message: string }[] {
    return [...this.failures].flatMap(([path, marks]) =>
      marks.map((m) => ({ path, line: m.startLineNumber, message: m.message })),
    );
  }

  activePath(): string {
    return this.store.state.active;
  }

  /** Opens `path` with the cursor at the start of `line`'s text, in view: a traceback's place. */
  reveal(path: string, line: number): void {
    this.store.setActive(path);
    const model = this.editor.getModel();
    if (!model || this.models.get(path) !== model) return;
    const lineNumber = Math.min(line, model.getLineCount());
    const column = model.getLineFirstNonWhitespaceColumn(lineNumber) || 1;
    this.editor.setPosition({ lineNumber, column });
    this.editor.revealLineInCenterIfOutsideViewport(lineNumber);
    this.editor.focus();
  }

  /** Replaces the active file's text (as a user would, so it is saved). */
  setValue(text: string): void {
    this.editor.getModel()?.setValue(text);
  }

  private t(key: MessageKey, params?: Record<string, string | number>): string {
    return translate(this.store.state.locale, key, params);
  }

  /** What the editor shows of a file: its text, or for bytes that are not text, their size
   * (the Download button gives the bytes). */
  private shown(file: WorkspaceFile): string {
    if (file.encoding !== 'base64') return file.content;
    return this.t('binaryFile', { name: file.path, size: fileSize(file) });
  }

  private model(path: string, content: string): monaco.editor.ITextModel {
    let model = this.models.get(path);
    if (!model) {
      model = monaco.editor.createModel(content, isPythonName(path) ? 'python' : 'plaintext');
      this.models.set(path, model);
    }
    return model;
  }

  private sync(): void {
    const { files, active, entries, locale } = this.store.state;
    for (const [path, model] of this.models) {
      if (!files.some((f) => f.path === path)) {
        model.dispose();
        this.models.delete(path);
      }
    }
    // A file replaced from outside (an example or a share link opened) under a name that has
    // a model already: the model takes the new text.
    for (const f of this.typing ? [] : files) {
      const existing = this.models.get(f.path);
      if (existing && existing.getValue() !== this.shown(f)) existing.setValue(this.shown(f));
    }
    const file = files.find((f) => f.path === active) ?? files[0];
    const model = this.model(file.path, this.shown(file));
    this.editor.updateOptions({ readOnly: file.encoding === 'base64' });
    if (this.editor.getModel() !== model) {
      this.editor.setModel(model);
      this.editor.focus();
    }
    const key = JSON.stringify([files.map((f) => f.path), file.path, entries, locale]);
    if (key !== this.tabsKey) {
      this.tabsKey = key;
      this.renderTabs(
        files.map((f) => f.path),
        file.path,
        entries,
      );
    }
  }

  private renderTabs(paths: string[], active: string, entries: string[]): void {
    this.tabs.title = this.t('runConfigHint');
    this.tabs.replaceChildren(
      ...paths.map((path) => {
        const tab = document.createElement('div');
        tab.className = path === active ? 'tab active' : 'tab';
        tab.dataset.testid = 'tab';
        tab.dataset.path = path;
        tab.setAttribute('role', 'tab');
        tab.setAttribute('aria-selected', String(path === active));
        tab.title = path;

        const entry = document.createElement('input');
        entry.type = 'checkbox';
        entry.checked = entries.includes(path);
        entry.dataset.testid = 'entry';
        entry.dataset.path = path;
        entry.title = this.t('entryHint', { name: path });
        entry.setAttribute('aria-label', entry.title);
        entry.addEventListener('click', (e) => e.stopPropagation());
        entry.addEventListener('change', () => this.store.toggleEntry(path, entry.checked));

        const label = document.createElement('span');
        label.className = 'tab-name';
        label.textContent = path;
        tab.append(entry, label);

        const order = entries.indexOf(path);
        if (order >= 0 && entries.length > 1) {
          const badge = document.createElement('span');
          badge.className = order === entries.length - 1 ? 'order foreground' : 'order';
          badge.textContent = String(order + 1);
          if (order === entries.length - 1) badge.title = this.t('foreground');
          tab.append(badge);
        }
        tab.addEventListener('click', () => this.store.setActive(path));
        return tab;
      }),
    );
  }

  /** Asks for a name until it is valid (or the user cancels). */
  private askName(message: string, initial: string, except?: string): string | null {
    const existing = this.store.state.files.map((f) => f.path).filter((p) => p !== except);
    let name = initial;
    for (;;) {
      const answer = prompt(message, name);
      if (answer === null) return null;
      name = answer.trim();
      const problem = invalidFileName(name, existing);
      if (problem) {
        alert(this.t(`badName_${problem}`));
        continue;
      }
      if (isPythonName(name) || confirm(this.t('notPython', { name }))) return name;
    }
  }

  newFile(): void {
    const names = this.store.state.files.map((f) => f.path);
    let n = 1;
    while (names.includes(`untitled${n}.py`)) n++;
    const name = this.askName(this.t('newFilePrompt'), `untitled${n}.py`);
    if (name) this.store.addFile(name);
  }

  renameActive(): void {
    const from = this.store.state.active;
    const to = this.askName(this.t('renamePrompt', { name: from }), from, from);
    if (!to || to === from) return;
    // A new model under the new name: its language follows the new extension.
    const old = this.models.get(from);
    this.models.delete(from);
    this.store.renameFile(from, to);
    old?.dispose();
  }

  deleteActive(): void {
    const path = this.store.state.active;
    if (this.store.state.files.length <= 1) {
      alert(this.t('deleteLast'));
      return;
    }
    if (confirm(this.t('deleteConfirm', { name: path }))) this.store.deleteFile(path);
  }
}
