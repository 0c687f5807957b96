import { describe, expect, it } from 'vitest';
import { memoryStorage } from './memory-storage';
import { PROGRESS_KEY, ProgressStore } from '../../src/lessons/progress';
import { LESSONS } from '../../src/lessons/catalog';
import { LOCALES } from '../../src/i18n';
import type { CheckResult } from '../../src/lessons/checks';

const pass: CheckResult = { passed: true, description: { key: 'check_noDataLost' }, reason: null };
const fail: CheckResult = {
  passed: false,
  description: { localized: { en: 'prints it', 'zh-CN': '输出它' } },
  reason: { key: 'reason_noQueue' },
};

describe('lesson progress', () => {
  it('is saved, read back, and a lesson once passed stays passed', () => {
    const storage = memoryStorage();
    const progress = new ProgressStore(storage);
    progress.record('a', [pass, fail]);
    expect(new ProgressStore(storage).of('a')).toEqual({ passed: false, results: [pass, fail] });
    progress.record('a', [pass]);
    progress.record('a', [fail]);
    expect(new ProgressStore(storage).of('a')).toEqual({ passed: true, results: [fail] });
  });

  it('ignores unreadable saved progress', () => {
    const storage = memoryStorage();
    storage.setItem(PROGRESS_KEY, '{"a": {"passed": "yes"}, "b": 7}');
    expect(new ProgressStore(storage).of('a')).toBeUndefined();
    storage.setItem(PROGRESS_KEY, 'not json');
    expect(new ProgressStore(storage).of('a')).toBeUndefined();
  });
});

describe('bundled lessons', () => {
  it('ships at least six, each with text in zh-CN and en and a solution that differs', () => {
    expect(LESSONS.length).toBeGreaterThanOrEqual(6);
    for (const lesson of LESSONS) {
      for (const locale of LOCALES) expect(lesson.text[locale]).toMatch(/^# /);
      expect(lesson.text['zh-CN']).not.toBe(lesson.text.en);
      expect(lesson.solution).not.toEqual(lesson.starter);
    }
  });
});
