/** The toolbar's controls and the page's translated labels, kept in step with the store. */
import { isLocale, translate, type Locale, type MessageKey } from '../i18n';
import { runEntries, type Store } from '../store';

export interface ToolbarActions {
  run(): void;
  stop(): void;
  newFile(): void;
  renameFile(): void;
  deleteFile(): void;
  localeChanged(locale: Locale): void;
}

export function element<T extends HTMLElement>(testid: string, root: ParentNode = document): T {
  const el = root.querySelector<T>(`[data-testid="${testid}"]`);
  if (!el) throw new Error(`missing element [data-testid="${testid}"]`);
  return el;
}

/** Fills every `data-i18n` (text), `data-i18n-title` (tooltip), `data-i18n-aria` and
 * `data-i18n-placeholder` element. */
export function applyLocale(locale: Locale, root: ParentNode = document): void {
  if (root === document) document.documentElement.lang = locale;
  const t = (key: string | undefined) => translate(locale, (key ?? '') as MessageKey);
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) {
    el.textContent = t(el.dataset.i18n);
  }
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n-title]')) {
    el.title = t(el.dataset.i18nTitle);
  }
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n-aria]')) {
    el.setAttribute('aria-label', t(el.dataset.i18nAria));
  }
  for (const el of root.querySelectorAll<HTMLInputElement>('[data-i18n-placeholder]')) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
}

export function bindToolbar(store: Store, actions: ToolbarActions): void {
  const startMethod = element<HTMLSelectElement>('start-method');
  const tags = element<HTMLInputElement>('tags-toggle');
  const locale = element<HTMLSelectElement>('locale');
  const runConfig = element('run-config').querySelector<HTMLElement>('.value');
  const deleteButton = element<HTMLButtonElement>('delete-file');

  element('run').addEventListener('click', () => actions.run());
  element('stop').addEventListener('click', () => actions.stop());
  element('new-file').addEventListener('click', () => actions.newFile());
  element('rename-file').addEventListener('click', () => actions.renameFile());
  deleteButton.addEventListener('click', () => actions.deleteFile());
  startMethod.addEventListener('change', () =>
    store.update({ startMethod: startMethod.value === 'spawn' ? 'spawn' : 'fork' }),
  );
  tags.addEventListener('change', () => store.update({ showTags: tags.checked }));
  locale.addEventListener('change', () => {
    if (isLocale(locale.value) && locale.value !== store.state.locale) {
      store.update({ locale: locale.value });
    }
  });

  let shownLocale: Locale | null = null;
  const sync = () => {
    const state = store.state;
    startMethod.value = state.startMethod;
    tags.checked = state.showTags;
    locale.value = state.locale;
    deleteButton.disabled = state.files.length <= 1;
    if (runConfig) runConfig.textContent = runEntries(state).join(' → ');
    if (state.locale !== shownLocale) {
      shownLocale = state.locale;
      applyLocale(state.locale);
      actions.localeChanged(state.locale);
    }
  };
  store.subscribe(sync);
  sync();
}
