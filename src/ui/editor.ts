/** The Monaco editor and its file tabs: open, new, rename, delete, and the run configuration. */
import * as monaco from 'monaco-editor/editor/editor.api';
import 'monaco-editor/languages/definitions/python/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import { translate } from '../i18n';
import { invalidFileName, type Store } from '../store';

declare global {
  interface Window {
    MonacoEnvironment?: { getWorker(workerId: string, label: string): Worker };
  }
}
window.MonacoEnvironment = { getWorker: () => new EditorWorker() };

export class Editor {
  readonly editor: monaco.editor.IStandaloneCodeEditor;
  private readonly models = new Map<string, monaco.editor.ITextModel>();

  constructor(
    host: HTMLElement,
    private readonly tabs: HTMLElement,
    private readonly store: Store,
  ) {
    this.editor = monaco.editor.create(host, {
      automaticLayout: true,
      fontSize: 14,
      minimap: { enabled: false },
      theme: 'vs-dark',
      scrollBeyondLastLine: false,
      tabSize: 4,
      insertSpaces: true,
    });
    this.editor.onDidChangeModelContent(() => {
      const path = this.store.state.active;
      const model = this.editor.getModel();
      if (model && this.models.get(path) === model) this.store.setContent(path, model.getValue());
    });
    store.subscribe(() => this.sync());
    this.sync();
  }

  /** Replaces the active file's text (as a user would, so it is saved). */
  setValue(text: string): void {
    this.editor.getModel()?.setValue(text);
  }

  private model(path: string, content: string): monaco.editor.ITextModel {
    let model = this.models.get(path);
    if (!model) {
      model = monaco.editor.createModel(content, 'python');
      this.models.set(path, model);
    }
    return model;
  }

  private sync(): void {
    const { files, active, entries } = this.store.state;
    for (const [path, model] of this.models) {
      if (!files.some((f) => f.path === path)) {
        model.dispose();
        this.models.delete(path);
      }
    }
    const file = files.find((f) => f.path === active) ?? files[0];
    const model = this.model(file.path, file.content);
    if (this.editor.getModel() !== model) this.editor.setModel(model);
    this.tabs.replaceChildren(
      ...files.map((f) => {
        const tab = document.createElement('div');
        tab.className = f.path === file.path ? 'tab active' : 'tab';
        tab.dataset.testid = 'tab';
        tab.dataset.path = f.path;
        const entry = document.createElement('input');
        entry.type = 'checkbox';
        entry.checked = entries.includes(f.path);
        entry.dataset.testid = 'entry';
        entry.dataset.path = f.path;
        entry.title = translate(this.store.state.locale, 'runConfigHint');
        entry.addEventListener('click', (e) => e.stopPropagation());
        entry.addEventListener('change', () => this.store.toggleEntry(f.path, entry.checked));
        const label = document.createElement('span');
        label.textContent = f.path;
        tab.append(entry, label);
        tab.addEventListener('click', () => this.store.update({ active: f.path }));
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
      if (!invalidFileName(name, existing)) return name;
      alert(translate(this.store.state.locale, 'badName'));
    }
  }

  newFile(): void {
    const names = this.store.state.files.map((f) => f.path);
    let n = 1;
    while (names.includes(`untitled${n}.py`)) n++;
    const name = this.askName(
      translate(this.store.state.locale, 'newFilePrompt'),
      `untitled${n}.py`,
    );
    if (name) this.store.addFile(name);
  }

  renameActive(): void {
    const from = this.store.state.active;
    const message = translate(this.store.state.locale, 'renamePrompt', { name: from });
    const to = this.askName(message, from, from);
    if (!to || to === from) return;
    const model = this.models.get(from);
    if (model) {
      this.models.delete(from);
      this.models.set(to, model);
    }
    this.store.renameFile(from, to);
  }

  deleteActive(): void {
    const path = this.store.state.active;
    if (this.store.state.files.length <= 1) return;
    if (confirm(translate(this.store.state.locale, 'deleteConfirm', { name: path }))) {
      this.store.deleteFile(path);
    }
  }
}
