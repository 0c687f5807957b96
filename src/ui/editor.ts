/** The Monaco editor and its file tabs: open, new, rename, delete, and the run configuration. */
// monaco-editor 0.57 maps `monaco-editor/*` to `esm/vs/*`: these are the lean entry points
// (the editor API alone, plus Python's tokenizer), not the everything-included `editor.main`.
import * as monaco from 'monaco-editor/editor/editor.api';
import 'monaco-editor/languages/definitions/python/register';
// Ctrl+M: Tab moves the focus instead of indenting (small, so not left to the lazy extras).
import 'monaco-editor/features/toggleTabFocusMode/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import { translate, type MessageKey } from '../i18n';
import type { WorkspaceFile } from '../../workers/protocol/kernel';
import { invalidFileName, isPythonName, type Store } from '../store';
import { fileSize } from '../workspace-files';
import { FileTabs } from './file-tabs';
import type { Theme } from './theme';

declare global {
  interface Window {
    MonacoEnvironment?: { getWorker(workerId: string, label: string): Worker };
  }
}
self.MonacoEnvironment = { getWorker: () => new EditorWorker() };

/**
 * Esc then Tab (or Shift+Tab) leaves the editor, as Tab alone indents: the focus moves to the
 * next (or previous) control of the page. Ctrl+M (Monaco's tab-focus mode) also works.
 */
function leaveOnEscapeTab(editor: monaco.editor.IStandaloneCodeEditor, host: HTMLElement): void {
  let escaped = false;
  editor.onKeyDown((event) => {
    if (event.keyCode === monaco.KeyCode.Escape) {
      escaped = true;
      return;
    }
    if (!escaped || event.keyCode !== monaco.KeyCode.Tab) {
      escaped = false;
      return;
    }
    escaped = false;
    event.preventDefault();
    event.stopPropagation();
    const focusable = [
      ...document.querySelectorAll<HTMLElement>(
        'button, input, select, textarea, [tabindex="0"], a[href], summary',
      ),
    ].filter((el) => !host.contains(el) && !el.closest('[hidden]') && el.offsetParent !== null);
    const before = focusable.filter(
      (el) => host.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING,
    );
    const after = focusable.filter((el) => !before.includes(el));
    (event.shiftKey ? before.at(-1) : after[0])?.focus();
  });
}

/** Monaco's own themes, with comments brightened in the dark one: its green is 4.2:1. */
const EDITOR_THEMES: Record<Theme, string> = { dark: 'procbox-dark', light: 'procbox-light' };
monaco.editor.defineTheme('procbox-dark', {
  base: 'vs-dark',
  inherit: true,
  rules: [{ token: 'comment', foreground: '7fae6a' }],
  colors: {},
});
monaco.editor.defineTheme('procbox-light', { base: 'vs', inherit: true, rules: [], colors: {} });

/** The owner of the markers a run's tracebacks leave. */
const FAILURE_MARKS = 'procbox-run';

export class Editor {
  editor: monaco.editor.IStandaloneCodeEditor;
  private readonly fileTabs: FileTabs;
  private theme: Theme = 'dark';
  private fontSize = 14;
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
    private readonly host: HTMLElement,
    tabs: HTMLElement,
    private readonly store: Store,
    private readonly onRun: () => void,
  ) {
    this.fileTabs = new FileTabs(tabs, store, (key, params) => this.t(key, params), host.id);
    this.editor = this.createWidget();
    store.subscribe(() => this.sync());
    this.sync();
  }

  private createWidget(): monaco.editor.IStandaloneCodeEditor {
    const editor = monaco.editor.create(this.host, {
      automaticLayout: true,
      fontSize: this.fontSize,
      fontFamily: '"JetBrains Mono", "Cascadia Mono", Menlo, Consolas, monospace',
      minimap: { enabled: false },
      theme: EDITOR_THEMES[this.theme],
      scrollBeyondLastLine: false,
      tabSize: 4,
      insertSpaces: true,
      padding: { top: 8 },
      renderWhitespace: 'selection',
      // Not 'dimmed': a dimmed last line number is below 4.5:1 contrast.
      renderFinalNewline: 'on',
      ariaLabel: this.t('editorAriaLabel'),
    });
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, this.onRun);
    // Every edit is saved at once; Ctrl+S is only kept from opening the browser's dialog.
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => undefined);
    leaveOnEscapeTab(editor, this.host);
    editor.onDidChangeModelContent(() => {
      const model = editor.getModel();
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
    return editor;
  }

  /**
   * Loads more of Monaco (find and replace, the command palette, code intelligence) after the
   * first paint, then rebuilds the widget: Monaco attaches its contributions as a widget is
   * created. The model, cursor, scroll and focus carry over.
   */
  async enrich(load: () => Promise<unknown>): Promise<void> {
    await load();
    const old = this.editor;
    const focused = old.hasTextFocus();
    const view = old.saveViewState();
    const model = old.getModel();
    old.dispose();
    this.editor = this.createWidget();
    this.editor.setModel(model);
    if (view) this.editor.restoreViewState(view);
    this.editor.updateOptions({
      readOnly: this.store.file(this.activePath())?.encoding === 'base64',
    });
    if (focused) this.editor.focus();
    this.enriched = true;
  }

  /** Whether the lazily loaded parts are in (test hooks wait for it). */
  enriched = false;

  /** The theme's colours and the chosen text size. */
  setAppearance(theme: Theme, fontSize: number): void {
    if (theme !== this.theme) monaco.editor.setTheme(EDITOR_THEMES[theme]);
    if (fontSize !== this.fontSize) this.editor.updateOptions({ fontSize });
    this.theme = theme;
    this.fontSize = fontSize;
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
      this.fileTabs.render({ paths: files.map((f) => f.path), active: file.path, entries });
    }
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
