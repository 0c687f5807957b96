import { describe, expect, it } from 'vitest';
import { LOCALES, messages, translate } from '../../src/i18n';

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
