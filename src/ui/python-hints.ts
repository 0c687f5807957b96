/**
 * One line of advice after a traceback that a program written for an older Python meets in
 * 3.14 (a 2019 tutorial's `asyncio.get_event_loop()` at top level): the error is right, and
 * stays; the hint names the modern form. Each is given once a run.
 */
import type { MessageKey } from '../i18n';

const HINTS: [RegExp, MessageKey][] = [
  [/^RuntimeError: There is no current event loop in thread /, 'hintEventLoop'],
  [/^AttributeError: module 'asyncio' has no attribute 'coroutine'/, 'hintCoroutine'],
  [/^AttributeError: 'Thread' object has no attribute 'isAlive'/, 'hintIsAlive'],
  [/^TypeError: .* got an unexpected keyword argument 'loop'$/, 'hintLoopArgument'],
];

export class PythonHints {
  /** Each process's stderr line not yet ended. */
  private readonly partial = new Map<number, string>();
  private readonly given = new Set<MessageKey>();

  /** The hints that `text`, written by `pid` to `fd`, calls for (none it gave before). */
  feed(pid: number, fd: number, text: string): MessageKey[] {
    if (fd !== 2) return [];
    const lines = ((this.partial.get(pid) ?? '') + text).split('\n');
    this.partial.set(pid, lines.pop() ?? '');
    const found: MessageKey[] = [];
    for (const line of lines) {
      for (const [pattern, key] of HINTS) {
        if (pattern.test(line.trimEnd()) && !this.given.has(key)) {
          this.given.add(key);
          found.push(key);
        }
      }
    }
    return found;
  }

  /** A new run: every hint may be given again. */
  reset(): void {
    this.partial.clear();
    this.given.clear();
  }
}
