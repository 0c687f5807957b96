/**
 * Monaco translates its own labels (find, the palette, the screen reader's notes) from a table
 * it reads as its modules load, so the table is loaded before the editor's code: the pages'
 * entry points (main.ts, embed.ts) await this, then import the rest.
 */
import type { Locale } from './i18n';

export async function loadEditorLanguage(locale: Locale): Promise<void> {
  if (locale === 'zh-CN') await import('monaco-editor/nls/lang/zh-cn');
}
