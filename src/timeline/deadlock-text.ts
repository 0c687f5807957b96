/**
 * A deadlock in words, in the page's language: the cycle as a chain (`Thread-1 (pid 3) waits
 * for threading.Lock#2, held by Thread-2 (pid 3), which waits for threading.Lock#1, held by
 * Thread-1 (pid 3)`), or, with no cycle, what each thread waits on. The console, the CLI (in
 * English) and the timeline's hover say it this way.
 */
import type { DeadlockLink, DeadlockReport } from '../../workers/protocol/deadlock';
import { type Locale, type MessageKey, translate } from '../i18n';

const PHRASE: Record<DeadlockLink['waits'], MessageKey> = {
  lock: 'deadlockLock',
  sem: 'deadlockSem',
  read: 'deadlockRead',
  write: 'deadlockWrite',
  join: 'deadlockJoin',
  child: 'deadlockChild',
  python: 'deadlockPython',
};
/** How a clause names the thread that could end the wait, where the wait itself does not. */
const BY: Partial<Record<DeadlockLink['waits'], MessageKey>> = {
  lock: 'deadlockHeldBy',
  sem: 'deadlockHeldBy',
  read: 'deadlockWrittenBy',
  write: 'deadlockReadBy',
};

export function threadName(link: Pick<DeadlockLink, 'thread' | 'pid'>, locale: Locale): string {
  return translate(locale, 'deadlockThread', { thread: link.thread, pid: link.pid });
}

/** What `link`'s thread waits on, and (in a cycle) who holds it: `next`. */
export function waitClause(link: DeadlockLink, locale: Locale, next?: DeadlockLink): string {
  const at = link.line ? translate(locale, 'deadlockAt', { line: link.line }) : '';
  let clause = translate(locale, PHRASE[link.waits], { object: link.object, at });
  const by = BY[link.waits];
  if (next && by) clause += translate(locale, by, { next: threadName(next, locale) });
  return clause;
}

export function deadlockText(report: DeadlockReport, locale: Locale): string {
  const { cycle } = report;
  if (cycle.length === 0) {
    const list = report.stuck
      .map((link) => `${threadName(link, locale)} ${waitClause(link, locale)}`)
      .join(locale === 'en' ? '; ' : '；');
    return translate(locale, 'deadlockNoCycle', { list });
  }
  let chain = '';
  cycle.forEach((link, i) => {
    const clause = waitClause(link, locale, cycle[(i + 1) % cycle.length]);
    if (i === 0) chain = `${threadName(link, locale)} ${clause}`;
    else if (cycle[i - 1].waits === 'child') {
      chain += translate(locale, 'deadlockWhose', { thread: link.thread, clause });
    } else chain += translate(locale, 'deadlockWhich', { clause });
  });
  return translate(locale, 'deadlock', { chain });
}
