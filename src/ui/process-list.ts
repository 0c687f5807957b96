/** The process list: pid, name, state, what a process waits on, and exit code. */
import type { ProcessInfo } from '../../workers/protocol/kernel';
import { translate, type Locale, type MessageKey } from '../i18n';

export class ProcessList {
  private rows: ProcessInfo[] = [];

  constructor(
    private readonly table: HTMLTableElement,
    private locale: Locale,
  ) {
    this.render();
  }

  setLocale(locale: Locale): void {
    this.locale = locale;
    this.render();
  }

  update(rows: ProcessInfo[]): void {
    this.rows = rows;
    this.render();
  }

  private render(): void {
    const t = (key: MessageKey) => translate(this.locale, key);
    const head = this.table.createTHead();
    head.replaceChildren(
      row('th', [t('pid'), t('name'), t('state'), t('waitingOn'), t('exitCode')]),
    );
    const body = this.table.tBodies[0] ?? this.table.createTBody();
    body.replaceChildren(
      ...this.rows.map((p) => {
        const tr = row('td', [
          String(p.pid),
          p.name,
          t(`state_${p.state}` as MessageKey),
          p.waitingOn ?? '',
          p.exitCode === null ? '' : String(p.exitCode),
        ]);
        tr.dataset.testid = 'proc-row';
        tr.dataset.pid = String(p.pid);
        tr.dataset.state = p.state;
        tr.style.paddingLeft = p.ppid ? '1em' : '0';
        if (p.exitCode !== null && p.exitCode !== 0) tr.classList.add('failed');
        return tr;
      }),
    );
  }
}

function row(cell: 'td' | 'th', values: string[]): HTMLTableRowElement {
  const tr = document.createElement('tr');
  for (const value of values) {
    const el = document.createElement(cell);
    el.textContent = value;
    tr.append(el);
  }
  return tr;
}
