import { describe, expect, it } from 'vitest';
import type { KernelNoticeKey, ProcessState } from '../../workers/protocol/kernel';
import { defaultLocale, isLocale, LOCALES, messages, translate } from '../../src/i18n';

describe('i18n table', () => {
  it('has every key in every locale, none empty, with the same placeholders', () => {
    const keys = Object.keys(messages.en).sort();
    for (const locale of LOCALES) {
      expect(Object.keys(messages[locale]).sort()).toEqual(keys);
      for (const key of keys) {
        const text = messages[locale][key as keyof typeof messages.en];
        expect(text.trim()).not.toBe('');
        const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
        expect(placeholders(text)).toEqual(
          placeholders(messages.en[key as keyof typeof messages.en]),
        );
      }
    }
  });

  it('fills placeholders', () => {
    expect(translate('en', 'exitedWithCode', { pid: 3, code: 1 })).toBe(
      '[process 3 exited with code 1]',
    );
    expect(translate('zh-CN', 'exitedWithCode', { pid: 3, code: 1 })).toBe(
      '[进程 3 退出，退出码 1]',
    );
  });
});

describe('i18n, more', () => {
  it('covers every kernel notice and process state', () => {
    const notices: KernelNoticeKey[] = ['processLimit'];
    const states: ProcessState[] = ['starting', 'running', 'blocked', 'exited'];
    for (const locale of LOCALES) {
      for (const key of notices) expect(messages[locale][key]).toBeTruthy();
      for (const state of states) expect(messages[locale][`state_${state}`]).toBeTruthy();
    }
  });

  it('reports a signal and leaves a placeholder without a value as it is', () => {
    expect(translate('zh-CN', 'killedBySignal', { pid: 2, signal: 15 })).toBe(
      '[进程 2 被信号 15 结束]',
    );
    expect(translate('en', 'renamePrompt')).toBe('New name for {name}:');
  });

  it('spaces a parameter from Chinese text only where it is not Chinese itself', () => {
    const program = translate('zh-CN', 'check_theProgram');
    expect(translate('zh-CN', 'check_outputRegex', { who: program, count: 3 })).toBe(
      '程序输出 3 行符合预期格式的内容',
    );
    expect(translate('zh-CN', 'check_outputRegex', { who: 'main.py', count: 3 })).toBe(
      'main.py 输出 3 行符合预期格式的内容',
    );
    expect(translate('zh-CN', 'reason_stillRunning', { who: program })).toBe(
      '运行结束时程序仍在运行',
    );
    expect(translate('zh-CN', 'reason_stillRunning', { who: 'client.py' })).toBe(
      '运行结束时 client.py 仍在运行',
    );
    expect(translate('en', 'check_exitCode', { who: 'The program', code: 0 })).toBe(
      'The program exits with code 0',
    );
  });

  it('picks zh-CN for any Chinese language tag and en otherwise', () => {
    expect(['zh', 'zh-TW', 'ZH-cn'].map(defaultLocale)).toEqual(['zh-CN', 'zh-CN', 'zh-CN']);
    expect(['en-US', 'fr', undefined].map(defaultLocale)).toEqual(['en', 'en', 'en']);
    expect([isLocale('en'), isLocale('zh-CN'), isLocale('de'), isLocale(7)]).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});
