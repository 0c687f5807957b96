/**
 * The file tabs: ARIA tabs (one in the Tab order, the arrow keys, Home and End move between
 * them and open the file) with each file's run-entry checkbox beside its tab.
 *
 * A checkbox may not sit inside a tab (nested controls) nor directly in a tablist, so the
 * tablist is an element of its own that owns the tab buttons through `aria-owns`, while each
 * checkbox stays next to its tab in the strip.
 */
import type { MessageKey } from '../i18n';
import type { Store } from '../store';

export interface FileTabsView {
  paths: string[];
  active: string;
  entries: string[];
}

export class FileTabs {
  constructor(
    private readonly strip: HTMLElement,
    private readonly store: Store,
    private readonly t: (key: MessageKey, params?: Record<string, string>) => string,
    /** The element the tabs control (the editor). */
    private readonly panelId: string,
  ) {
    strip.addEventListener('keydown', (event) => this.onKey(event));
  }

  render({ paths, active, entries }: FileTabsView): void {
    const tablist = document.createElement('div');
    tablist.className = 'tablist';
    tablist.setAttribute('role', 'tablist');
    tablist.setAttribute('aria-label', this.t('files'));
    const tabIds: string[] = [];
    const slots = paths.map((path, index) => {
      const slot = document.createElement('div');
      slot.className = path === active ? 'tab active' : 'tab';
      slot.dataset.testid = 'tab';
      slot.dataset.path = path;
      slot.title = path;

      const entry = document.createElement('input');
      entry.type = 'checkbox';
      entry.checked = entries.includes(path);
      entry.dataset.testid = 'entry';
      entry.dataset.path = path;
      entry.title = this.t('entryHint', { name: path });
      entry.setAttribute('aria-label', entry.title);
      entry.addEventListener('change', () => this.store.toggleEntry(path, entry.checked));

      const tab = document.createElement('button');
      tab.type = 'button';
      tab.id = `file-tab-${index}`;
      tab.className = 'tab-button';
      tab.setAttribute('role', 'tab');
      tab.setAttribute('aria-selected', String(path === active));
      tab.setAttribute('aria-controls', this.panelId);
      tab.tabIndex = path === active ? 0 : -1;
      tab.dataset.path = path;
      const name = document.createElement('span');
      name.className = 'tab-name';
      name.textContent = path;
      tab.append(name);
      const order = entries.indexOf(path);
      if (order >= 0 && entries.length > 1) {
        const badge = document.createElement('span');
        const last = order === entries.length - 1;
        badge.className = last ? 'order foreground' : 'order';
        badge.textContent = String(order + 1);
        if (last) badge.title = this.t('foreground');
        tab.append(badge);
      }
      tab.addEventListener('click', () => this.store.setActive(path));
      tabIds.push(tab.id);
      slot.append(entry, tab);
      return slot;
    });
    tablist.setAttribute('aria-owns', tabIds.join(' '));
    this.strip.title = this.t('runConfigHint');
    this.strip.replaceChildren(tablist, ...slots);
    // In a narrow strip (an embed's frame) the open file's tab is scrolled into view.
    this.strip
      .querySelector('.tab.active')
      ?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }

  /** The arrow keys, Home and End move to a tab and open its file (tabs that follow focus). */
  private onKey(event: KeyboardEvent): void {
    const current = event.target;
    if (!(current instanceof HTMLElement) || current.getAttribute('role') !== 'tab') return;
    const tabs = [...this.strip.querySelectorAll<HTMLElement>('[role=tab]')];
    const index = tabs.indexOf(current);
    const next = {
      ArrowRight: index + 1,
      ArrowLeft: index - 1,
      Home: 0,
      End: tabs.length - 1,
    }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const target = tabs[(next + tabs.length) % tabs.length];
    const path = target.dataset.path;
    if (path) this.store.setActive(path);
    // The strip is rebuilt on a change of file: focus the new strip's tab.
    this.strip
      .querySelector<HTMLElement>(`[role=tab][data-path="${CSS.escape(path ?? '')}"]`)
      ?.focus();
  }
}
