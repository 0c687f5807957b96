/**
 * The process list: pid, name, state, exit code, what a blocked process waits on, and its
 * sockets (listening ports and connections); under each process, its running threads (TID and
 * name), as `ps -L` lists them. Last, while the Preview holds connections, the browser: their
 * client, which is no process of the run.
 */
import type { Pid, ProcessInfo } from '../../workers/protocol/kernel';
import type { SocketInfo } from '../../workers/protocol/net';
import { translate, type Locale, type MessageKey } from '../i18n';
import { tagColour } from './palette';

export class ProcessList {
  private rows: ProcessInfo[] = [];
  private browser: SocketInfo[] = [];

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

  /** The kernel's table: it keeps the exited processes of the current run until the next. */
  update(rows: ProcessInfo[], browser: SocketInfo[] = []): void {
    this.rows = rows;
    this.browser = browser;
    this.render();
  }

  clear(): void {
    this.update([]);
  }

  private render(): void {
    const t = (key: MessageKey) => translate(this.locale, key);
    const head = this.table.tHead ?? this.table.createTHead();
    head.replaceChildren(
      row('th', [t('pid'), t('name'), t('state'), t('exitCode'), t('waitingOn'), t('sockets')]),
    );
    const body = this.table.tBodies[0] ?? this.table.createTBody();
    if (this.rows.length === 0) {
      const empty = document.createElement('tr');
      const cell = document.createElement('td');
      cell.colSpan = 6;
      cell.className = 'empty';
      cell.textContent = t('noProcesses');
      empty.append(cell);
      body.replaceChildren(empty);
      return;
    }
    const depth = depths(this.rows);
    body.replaceChildren(
      ...this.rows.flatMap((p) => {
        const tr = row('td', [
          String(p.pid),
          p.name,
          t(`state_${p.state}` as MessageKey),
          p.exitCode === null ? '' : String(p.exitCode),
          p.waitingOn ?? '',
          p.sockets.map(socketText).join('\n'),
        ]);
        tr.dataset.testid = 'proc-row';
        tr.dataset.pid = String(p.pid);
        tr.dataset.state = p.state;
        tr.className = `state-${p.state}`;
        if (p.exitCode !== null && p.exitCode !== 0) tr.classList.add('failed');
        const [pidCell, nameCell] = tr.cells;
        pidCell.classList.add(`ansi-${tagColour(p.pid)}`);
        nameCell.style.paddingLeft = `${0.6 + (depth.get(p.pid) ?? 0) * 1.1}em`;
        if (depth.get(p.pid)) nameCell.textContent = `└ ${p.name}`;
        const threads = (p.threads ?? []).map((thread) => {
          const sub = row('td', [
            String(thread.tid),
            `⤷ ${thread.name}`,
            t('thread'),
            '',
            thread.waitingOn ?? '',
            '',
          ]);
          sub.dataset.testid = 'thread-row';
          sub.dataset.tid = String(thread.tid);
          sub.className = 'thread';
          sub.cells[0].classList.add(`ansi-${tagColour(p.pid)}`);
          sub.cells[1].style.paddingLeft = `${1.2 + (depth.get(p.pid) ?? 0) * 1.1}em`;
          return sub;
        });
        return [tr, ...threads];
      }),
      ...this.browserRow(t),
    );
  }

  private browserRow(t: (key: MessageKey) => string): HTMLTableRowElement[] {
    if (this.browser.length === 0) return [];
    const tr = row('td', [
      '',
      t('browserClient'),
      '',
      '',
      '',
      this.browser.map(socketText).join('\n'),
    ]);
    tr.dataset.testid = 'browser-row';
    tr.className = 'browser';
    return [tr];
  }
}

/** One socket as `ss` shows it: `LISTEN 0.0.0.0:8888`, `ESTAB 127.0.0.1:8888 ↔ 127.0.0.1:40002`. */
function socketText({ state, local, peer }: SocketInfo): string {
  return peer === null ? `${state} ${local}` : `${state} ${local} ↔ ${peer}`;
}

/** How deep each process sits under a top-level one (for indenting children). */
function depths(rows: ProcessInfo[]): Map<Pid, number> {
  const parent = new Map(rows.map((p) => [p.pid, p.ppid]));
  const result = new Map<Pid, number>();
  for (const p of rows) {
    let d = 0;
    for (let up = p.ppid; parent.has(up) && d < 32; up = parent.get(up) ?? 0) d++;
    result.set(p.pid, d);
  }
  return result;
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
