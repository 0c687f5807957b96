/**
 * The reader's own settings: theme, text size and pane sizes. They belong to the person, not
 * to a workspace, so they are saved under a key of their own and kept across lessons and share
 * links. No DOM here: tested in Node with any Storage-like object.
 */
import type { KeyValueStorage } from './store';

export const PREFERENCES_KEY = 'procbox.preferences.v1';

export type ThemeChoice = 'system' | 'dark' | 'light';
export const THEME_CHOICES: readonly ThemeChoice[] = ['system', 'dark', 'light'];

/** The code font sizes offered (editor and console), in CSS pixels. */
export const FONT_SIZES: readonly number[] = [11, 12, 13, 14, 15, 16, 18, 20, 24];
export const DEFAULT_FONT_SIZE = 14;

export interface Preferences {
  theme: ThemeChoice;
  fontSize: number;
  /** Each resizable pane's share of its row or column, in percent (layout.ts names them). */
  paneSizes: Record<string, number>;
  /** The panes folded away. */
  collapsed: string[];
}

export function defaultPreferences(): Preferences {
  return { theme: 'system', fontSize: DEFAULT_FONT_SIZE, paneSizes: {}, collapsed: [] };
}

/** Keeps what is well formed and drops the rest, field by field. */
export function parsePreferences(raw: unknown): Preferences {
  const result = defaultPreferences();
  if (typeof raw !== 'object' || raw === null) return result;
  const p = raw as Record<string, unknown>;
  if (THEME_CHOICES.includes(p.theme as ThemeChoice)) result.theme = p.theme as ThemeChoice;
  if (FONT_SIZES.includes(p.fontSize as number)) result.fontSize = p.fontSize as number;
  if (typeof p.paneSizes === 'object' && p.paneSizes !== null) {
    for (const [name, size] of Object.entries(p.paneSizes)) {
      if (typeof size === 'number' && size >= 0 && size <= 100) result.paneSizes[name] = size;
    }
  }
  if (Array.isArray(p.collapsed)) {
    result.collapsed = p.collapsed.filter((name): name is string => typeof name === 'string');
  }
  return result;
}

export class PreferenceStore {
  private current: Preferences;
  private readonly listeners = new Set<(value: Preferences) => void>();

  constructor(private readonly storage: KeyValueStorage) {
    let saved: unknown = null;
    try {
      saved = JSON.parse(storage.getItem(PREFERENCES_KEY) ?? 'null');
    } catch {
      saved = null; // damaged: the defaults, saved over it at the next change
    }
    this.current = parsePreferences(saved);
  }

  get value(): Preferences {
    return this.current;
  }

  update(change: Partial<Preferences>): void {
    this.current = { ...this.current, ...change };
    try {
      this.storage.setItem(PREFERENCES_KEY, JSON.stringify(this.current));
    } catch {
      // not saved (quota, private mode): the settings still hold for this visit
    }
    for (const listener of this.listeners) listener(this.current);
  }

  subscribe(listener: (value: Preferences) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
