/**
 * The one store of UI state: files, the active file, the run configuration, the start method,
 * console tags and the locale. It writes itself to storage on every change, so a reload never
 * loses an edit. No DOM here: the store is tested in Node with any Storage-like object.
 */
import type { StartMethod, WorkspaceFile } from '../workers/protocol/kernel';
import { defaultLocale, LOCALES, type Locale } from './i18n';

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
  setItem(key: string, value: string): void;
}

export const HELLO_EXAMPLE = `import multiprocessing

def worker():
    print("Worker process")

if __name__ == "__main__":
    p = multiprocessing.Process(target=worker)
    p.start()
    p.join()
`;

export function defaultState(language = 'en'): WorkspaceState {
  return {
    files: [{ path: 'main.py', content: HELLO_EXAMPLE }],
    active: 'main.py',
    entries: [],
    startMethod: 'fork',
    showTags: true,
    locale: defaultLocale(language),
  };
}

/** Why a name is unusable, or null. Names are flat: the workspace is one directory. */
export function invalidFileName(name: string, existing: string[]): string | null {
  if (!name.trim()) return 'empty';
  if (name.includes('/') || name.includes('\\') || name === '.' || name.includes('..')) {
    return 'path';
  }
  if ([...name].some((ch) => ch < ' ' || ch === '\u007f')) return 'control';
  if (existing.includes(name)) return 'duplicate';
  return null;
}

/** Checks a parsed value field by field; anything malformed yields null. */
export function parseState(raw: unknown): WorkspaceState | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const s = raw as Record<string, unknown>;
  if (!Array.isArray(s.files) || s.files.length === 0) return null;
  const files: WorkspaceFile[] = [];
  for (const f of s.files as unknown[]) {
    const file = f as Record<string, unknown>;
    if (typeof file?.path !== 'string' || typeof file.content !== 'string') return null;
    if (
      invalidFileName(
        file.path,
        files.map((x) => x.path),
      )
    )
      return null;
    files.push({ path: file.path, content: file.content });
  }
  const names = files.map((f) => f.path);
  const active = typeof s.active === 'string' && names.includes(s.active) ? s.active : names[0];
  const entries = Array.isArray(s.entries)
    ? (s.entries as unknown[]).filter(
        (e): e is string => typeof e === 'string' && names.includes(e),
      )
    : [];
  return {
    files,
    active,
    entries,
    startMethod: s.startMethod === 'spawn' ? 'spawn' : 'fork',
    showTags: s.showTags !== false,
    locale: LOCALES.includes(s.locale as Locale) ? (s.locale as Locale) : 'en',
  };
}

type Listener = (state: WorkspaceState) => void;

export class Store {
  private current: WorkspaceState;
  private readonly listeners = new Set<Listener>();
  /** Unreadable saved state is left as it is until the user changes something. */
  readonly recoveredFromCorruption: boolean;

  constructor(
    private readonly storage: KeyValueStorage,
    language = 'en',
  ) {
    let saved: WorkspaceState | null = null;
    let corrupt = false;
    try {
      const text = storage.getItem(STORAGE_KEY);
      if (text !== null) {
        saved = parseState(JSON.parse(text));
        corrupt = saved === null;
      }
    } catch {
      corrupt = true;
    }
    this.current = saved ?? defaultState(language);
    this.recoveredFromCorruption = corrupt;
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
    this.storage.setItem(STORAGE_KEY, JSON.stringify(this.current));
    for (const listener of this.listeners) listener(this.current);
  }

  setContent(path: string, content: string): void {
    this.update({
      files: this.current.files.map((f) => (f.path === path ? { path, content } : f)),
    });
  }

  addFile(path: string, content = ''): void {
    this.update({ files: [...this.current.files, { path, content }], active: path });
  }

  renameFile(from: string, to: string): void {
    const rename = (p: string) => (p === from ? to : p);
    this.update({
      files: this.current.files.map((f) => (f.path === from ? { ...f, path: to } : f)),
      active: rename(this.current.active),
      entries: this.current.entries.map(rename),
    });
  }

  deleteFile(path: string): void {
    const files = this.current.files.filter((f) => f.path !== path);
    if (files.length === 0) return; // the workspace always keeps one file
    this.update({
      files,
      active: this.current.active === path ? files[0].path : this.current.active,
      entries: this.current.entries.filter((e) => e !== path),
    });
  }

  /** What Run starts: the ticked files, or else the active file. */
  runEntries(): string[] {
    return this.current.entries.length > 0 ? this.current.entries : [this.current.active];
  }

  /** Ticks or unticks a file in the run configuration, keeping tab order. */
  toggleEntry(path: string, on: boolean): void {
    const chosen = new Set(this.current.entries);
    if (on) chosen.add(path);
    else chosen.delete(path);
    this.update({ entries: this.current.files.map((f) => f.path).filter((p) => chosen.has(p)) });
  }
}
