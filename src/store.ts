/**
 * The one store of UI state: files, the active file, the run configuration, the start method,
 * console tags and the locale. It writes itself to storage on every change, so a reload never
 * loses an edit. No DOM here: the store is tested in Node with any Storage-like object.
 */
import helloExample from '../examples/01_process_hello.py?raw';
import { WORKSPACE_CAP } from '../workers/protocol/fs';
import type { StartMethod, WorkspaceChange, WorkspaceFile } from '../workers/protocol/kernel';
import { defaultLocale, isLocale, type Locale } from './i18n';
import { workspaceSize } from './workspace-files';

export const STORAGE_KEY = 'procbox.workspace.v1';

export interface WorkspaceState {
  files: WorkspaceFile[];
  active: string;
  /** Files Run starts together, in tab order; when none is ticked, Run starts the active file. */
  entries: string[];
  startMethod: StartMethod;
  showTags: boolean;
  locale: Locale;
}

export interface KeyValueStorage {
  getItem(key: string): string | null;
  /** Saves at once, or throws why not; or, for a storage that saves behind, returns at once
   * and reports each write's outcome to `watchSaves`' listener. */
  setItem(key: string, value: string): void;
  watchSaves?(listener: (error: unknown) => void): void;
}

/** A new workspace opens with the tutorials' first example. */
export const HELLO_EXAMPLE = helloExample;

export function defaultState(language?: string): WorkspaceState {
  return {
    files: [{ path: 'main.py', content: HELLO_EXAMPLE }],
    active: 'main.py',
    entries: [],
    startMethod: 'fork',
    showTags: true,
    locale: defaultLocale(language),
  };
}

export type NameProblem = 'empty' | 'path' | 'control' | 'duplicate';

/** Why a name is unusable, or null. Names are flat: the workspace is one directory. */
export function invalidFileName(name: string, existing: readonly string[]): NameProblem | null {
  if (!name.trim()) return 'empty';
  if (name.includes('/') || name.includes('\\') || name === '.' || name.includes('..')) {
    return 'path';
  }
  for (const ch of name) {
    const code = ch.charCodeAt(0);
    if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return 'control';
  }
  if (existing.includes(name)) return 'duplicate';
  return null;
}

/** Whether a path a program wrote is one the workspace can hold: relative, with folders
 * (`out/result.csv`), each part a usable name. */
export function validWorkspacePath(path: string): boolean {
  const parts = path.split('/');
  return parts.every((part) => invalidFileName(part, []) === null);
}

export function isPythonName(name: string): boolean {
  return name.endsWith('.py');
}

/** What Run starts: the ticked files in tab order, or else the active file. */
export function runEntries(state: WorkspaceState): string[] {
  return state.entries.length > 0 ? [...state.entries] : [state.active];
}

/** Checks a parsed value field by field; a malformed file list yields null. */
export function parseState(raw: unknown, language?: string): WorkspaceState | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const s = raw as Record<string, unknown>;
  if (!Array.isArray(s.files) || s.files.length === 0) return null;
  const files: WorkspaceFile[] = [];
  for (const f of s.files as unknown[]) {
    if (typeof f !== 'object' || f === null) return null;
    const file = f as Record<string, unknown>;
    if (typeof file.path !== 'string' || typeof file.content !== 'string') return null;
    if (!validWorkspacePath(file.path) || files.some((x) => x.path === file.path)) return null;
    files.push(
      file.encoding === 'base64'
        ? { path: file.path, content: file.content, encoding: 'base64' }
        : { path: file.path, content: file.content },
    );
  }
  const names = files.map((f) => f.path);
  const active = typeof s.active === 'string' && names.includes(s.active) ? s.active : names[0];
  const ticked = new Set(Array.isArray(s.entries) ? (s.entries as unknown[]) : []);
  return {
    files,
    active,
    entries: names.filter((name) => ticked.has(name)),
    startMethod: s.startMethod === 'spawn' ? 'spawn' : 'fork',
    showTags: s.showTags !== false,
    locale: isLocale(s.locale) ? s.locale : defaultLocale(language),
  };
}

type Listener = (state: WorkspaceState) => void;

/** The files with `file` in place of the one of its name, or added at the end. */
function withFile(files: WorkspaceFile[], file: WorkspaceFile): WorkspaceFile[] {
  const index = files.findIndex((f) => f.path === file.path);
  return index < 0 ? [...files, file] : files.map((f, i) => (i === index ? file : f));
}

/** Why `Store.putFiles` refused: an unusable name, or more than the workspace holds. */
export type PutProblem = 'name' | 'tooLarge';

export class Store {
  private current: WorkspaceState;
  private readonly listeners = new Set<Listener>();
  /** Unreadable saved state is left as it is until the user changes something. */
  readonly recoveredFromCorruption: boolean;
  /** The last error from writing to storage (quota, private mode), or null. */
  saveError: unknown = null;

  /** Where the current workspace is saved: the playground's, or a lesson's own. */
  private key = STORAGE_KEY;

  constructor(
    private readonly storage: KeyValueStorage,
    private readonly language?: string,
  ) {
    const saved = this.read(STORAGE_KEY);
    this.current = saved ?? defaultState(language);
    this.recoveredFromCorruption = saved === null;
    storage.watchSaves?.((error) => this.saved(error));
  }

  /** Listeners hear when saving starts failing or works again, not after every write. */
  private saved(error: unknown): void {
    const changed = (error === null) !== (this.saveError === null);
    this.saveError = error;
    if (changed) for (const listener of this.listeners) listener(this.current);
  }

  /** The workspace saved under `key`: undefined when there is none, null when unreadable. */
  private read(key: string): WorkspaceState | null | undefined {
    try {
      const text = this.storage.getItem(key);
      return text === null ? undefined : parseState(JSON.parse(text), this.language);
    } catch {
      return null;
    }
  }

  get workspaceKey(): string {
    return this.key;
  }

  /**
   * Switches to the workspace saved under `key` (a lesson's), or to `fresh` when none is saved
   * there; the locale and the tags setting carry over. The one left stays saved under its key.
   */
  open(key: string, fresh: () => Omit<WorkspaceState, 'locale' | 'showTags'>): void {
    const { locale, showTags } = this.current;
    const saved = this.read(key);
    this.key = key;
    this.current = { ...(saved ?? fresh()), locale, showTags };
    this.update({});
  }

  get state(): WorkspaceState {
    return this.current;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  file(path: string): WorkspaceFile | undefined {
    return this.current.files.find((f) => f.path === path);
  }

  update(change: Partial<WorkspaceState>): void {
    this.current = { ...this.current, ...change };
    try {
      this.storage.setItem(this.key, JSON.stringify(this.current));
      if (!this.storage.watchSaves) this.saveError = null;
    } catch (error) {
      this.saveError = error; // the state stays in memory; the page keeps working
    }
    for (const listener of this.listeners) listener(this.current);
  }

  setContent(path: string, content: string): void {
    if (this.file(path)?.content === content) return;
    this.update({
      files: this.current.files.map((f) => (f.path === path ? { path, content } : f)),
    });
  }

  /** What a run did to the files: each written file is added or replaced (the active file
   * stays), each removed one goes (the workspace always keeps one). */
  applyChanges(changes: WorkspaceChange[]): void {
    let files = this.current.files;
    for (const change of changes) {
      if ('removed' in change) {
        if (files.length > 1) files = files.filter((f) => f.path !== change.removed);
      } else if (validWorkspacePath(change.file.path)) {
        files = withFile(files, change.file);
      }
    }
    if (files === this.current.files) return;
    const names = new Set(files.map((f) => f.path));
    this.update({
      files,
      active: names.has(this.current.active) ? this.current.active : files[0].path,
      entries: this.current.entries.filter((e) => names.has(e)),
    });
  }

  setActive(path: string): void {
    if (path !== this.current.active && this.file(path)) this.update({ active: path });
  }

  /** Adds a file and opens it; false when the name is unusable. */
  addFile(path: string, content = ''): boolean {
    if (
      invalidFileName(
        path,
        this.current.files.map((f) => f.path),
      )
    )
      return false;
    this.update({ files: [...this.current.files, { path, content }], active: path });
    return true;
  }

  /**
   * Adds files (uploads), each replacing the file of its name where it stands, and opens the
   * last. All or nothing: a name `invalidFileName` refuses, or a workspace that would hold more
   * than WORKSPACE_CAP bytes (as programs may write), changes nothing.
   */
  putFiles(files: WorkspaceFile[]): PutProblem | null {
    if (files.length === 0) return null;
    if (files.some((f) => invalidFileName(f.path, []) !== null)) return 'name';
    const next = files.reduce((all, f) => withFile(all, { ...f }), this.current.files);
    if (workspaceSize(next) > WORKSPACE_CAP) return 'tooLarge';
    this.update({ files: next, active: files[files.length - 1].path });
    return null;
  }

  renameFile(from: string, to: string): boolean {
    const others = this.current.files.map((f) => f.path).filter((p) => p !== from);
    if (!this.file(from) || invalidFileName(to, others)) return false;
    const rename = (p: string) => (p === from ? to : p);
    this.update({
      files: this.current.files.map((f) => (f.path === from ? { ...f, path: to } : f)),
      active: rename(this.current.active),
      entries: this.current.entries.map(rename),
    });
    return true;
  }

  /** Deletes a file; the workspace always keeps one, so deleting the last one is refused. */
  deleteFile(path: string): boolean {
    const index = this.current.files.findIndex((f) => f.path === path);
    if (index < 0 || this.current.files.length <= 1) return false;
    const files = this.current.files.filter((f) => f.path !== path);
    const active =
      this.current.active === path
        ? files[Math.min(index, files.length - 1)].path
        : this.current.active;
    this.update({ files, active, entries: this.current.entries.filter((e) => e !== path) });
    return true;
  }

  /** What Run starts: the ticked files in tab order, or else the active file. */
  runEntries(): string[] {
    return runEntries(this.current);
  }

  /** Ticks or unticks a file in the run configuration, keeping tab order. */
  toggleEntry(path: string, on: boolean): void {
    if (!this.file(path) || this.current.entries.includes(path) === on) return;
    const chosen = new Set(this.current.entries);
    if (on) chosen.add(path);
    else chosen.delete(path);
    this.update({ entries: this.current.files.map((f) => f.path).filter((p) => chosen.has(p)) });
  }
}
