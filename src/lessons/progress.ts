/**
 * What a learner has done in each lesson, saved in the browser: whether its checks passed and
 * the last results. (The lesson's files are a workspace of their own: see lessonStorageKey.)
 */
import type { KeyValueStorage } from '../store';
import type { CheckResult, Text } from './checks';

export const PROGRESS_KEY = 'procbox.lessons.v1';

/** Each lesson's files are kept under their own key, apart from the playground's. */
export function lessonStorageKey(id: string): string {
  return `procbox.lesson.${id}.v1`;
}

export interface LessonProgress {
  passed: boolean;
  /** The last check run's results, shown again after a reload. */
  results: CheckResult[];
}

const isText = (v: unknown): v is Text =>
  typeof v === 'object' &&
  v !== null &&
  (typeof (v as { key?: unknown }).key === 'string' ||
    typeof (v as { localized?: unknown }).localized === 'object');

function parseResults(raw: unknown): CheckResult[] | null {
  if (!Array.isArray(raw)) return null;
  const results: CheckResult[] = [];
  for (const r of raw as unknown[]) {
    if (typeof r !== 'object' || r === null) return null;
    const { passed, description, reason } = r as Record<string, unknown>;
    if (typeof passed !== 'boolean' || !isText(description)) return null;
    if (reason !== null && !isText(reason)) return null;
    results.push({ passed, description, reason: reason as Text | null });
  }
  return results;
}

export class ProgressStore {
  private progress = new Map<string, LessonProgress>();

  constructor(private readonly storage: KeyValueStorage) {
    try {
      const raw: unknown = JSON.parse(storage.getItem(PROGRESS_KEY) ?? '{}');
      if (typeof raw !== 'object' || raw === null) return;
      for (const [id, entry] of Object.entries(raw as Record<string, unknown>)) {
        const passed = (entry as { passed?: unknown } | null)?.passed;
        const results = parseResults((entry as { results?: unknown } | null)?.results);
        if (typeof passed === 'boolean' && results) this.progress.set(id, { passed, results });
      }
    } catch {
      // unreadable progress starts afresh; the lessons' files are kept apart
    }
  }

  of(id: string): LessonProgress | undefined {
    return this.progress.get(id);
  }

  /** Records a check run. A lesson once passed stays passed. */
  record(id: string, results: CheckResult[]): void {
    const passed = (this.progress.get(id)?.passed ?? false) || results.every((r) => r.passed);
    this.progress.set(id, { passed, results });
    try {
      this.storage.setItem(PROGRESS_KEY, JSON.stringify(Object.fromEntries(this.progress)));
    } catch {
      // quota or private mode: progress stays in memory for this visit
    }
  }
}
