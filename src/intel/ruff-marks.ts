/**
 * Ruff's findings as the editor's marks, in the learner's language. Pure, so it is tested in
 * Node against the real Ruff (tests/unit/intel-marks.test.ts).
 */
import type { Locale } from '../i18n';
import type { RuffDiagnostic } from '../../workers/protocol/intel';

/**
 * The rules a learner needs while typing, each a mistake Python would stop on or a hint worth
 * having; style rules stay out, since a beginner's program is not wrong for its style.
 * - F821 undefined name: a typo, or a name used before it is defined (a NameError to come).
 * - F823 local referenced before assignment: `counter += 1` in a thread's function without
 *   `global counter` (an UnboundLocalError to come; the tutorials' counters invite it).
 * - F401 unused import: a hint only (a warning, faded), since an exercise often imports first.
 * Syntax errors are always reported; while there is one, Ruff reports nothing else.
 */
export const LEARNER_RULES = ['F821', 'F823', 'F401'];

const WARNINGS = new Set(['F401']);

export interface Mark {
  severity: 'error' | 'warning';
  message: string;
  /** Ruff's rule, or `syntax`. */
  code: string;
  startLineNumber: number;
  startColumn: number;
  endLineNumber: number;
  endColumn: number;
  unnecessary: boolean;
}

/** Ruff's English messages for the rules above, with the zh-CN reading of each. */
const ZH: [RegExp, (name: string) => string][] = [
  [/^Undefined name `(.+)`$/, (name) => `未定义的名字 \`${name}\``],
  [/^`(.+)` imported but unused/, (name) => `导入了 \`${name}\` 但没有使用`],
  [
    /^Local variable `(.+)` referenced before assignment$/,
    (name) => `局部变量 \`${name}\` 在赋值之前被引用`,
  ],
];

export function markMessage(diagnostic: RuffDiagnostic, locale: Locale): string {
  const syntax = isSyntaxError(diagnostic);
  if (locale === 'en') return syntax ? `SyntaxError: ${diagnostic.message}` : diagnostic.message;
  if (syntax) return `语法错误：${diagnostic.message}`;
  for (const [pattern, say] of ZH) {
    const found = pattern.exec(diagnostic.message);
    if (found) return say(found[1]);
  }
  return diagnostic.message;
}

function isSyntaxError(diagnostic: RuffDiagnostic): boolean {
  return diagnostic.code === null || diagnostic.code === 'invalid-syntax';
}

/**
 * One mark per finding. A finding with no visible width (a syntax error at the end of a line or
 * of the text) is widened to the character before it, so that it shows as a squiggle.
 */
export function marksFromRuff(
  diagnostics: RuffDiagnostic[],
  locale: Locale,
  lineLength: (line: number) => number,
  lineCount: number,
): Mark[] {
  return diagnostics.map((diagnostic) => {
    let { row: startLine, column: startColumn } = diagnostic.start_location;
    let { row: endLine, column: endColumn } = diagnostic.end_location;
    if (startLine > lineCount) {
      startLine = endLine = lineCount;
      startColumn = endColumn = lineLength(lineCount) + 1;
    }
    if (endLine > startLine && endColumn === 1) {
      // Up to the start of the next line (a missing `:`): the line break itself, not shown.
      endLine -= 1;
      endColumn = lineLength(endLine) + 1;
    }
    if (startLine === endLine && startColumn >= endColumn) {
      endColumn = startColumn;
      if (startColumn > 1) startColumn -= 1;
      else if (lineLength(startLine) > 0) endColumn += 1;
      else if (startLine > 1) {
        startLine = endLine = startLine - 1;
        endColumn = lineLength(startLine) + 1;
        startColumn = Math.max(1, endColumn - 1);
      }
    }
    const syntax = isSyntaxError(diagnostic);
    return {
      severity: !syntax && WARNINGS.has(diagnostic.code ?? '') ? 'warning' : 'error',
      message: markMessage(diagnostic, locale),
      code: syntax ? 'syntax' : (diagnostic.code ?? 'syntax'),
      startLineNumber: startLine,
      startColumn,
      endLineNumber: endLine,
      endColumn,
      unnecessary: diagnostic.tags.includes('unnecessary'),
    };
  });
}

/** Calls `run` once edits have paused for `ms`; a newer call cancels a pending one. */
export function debounce(run: () => void, ms: number): { (): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const call = () => {
    clearTimeout(timer);
    timer = setTimeout(run, ms);
  };
  call.cancel = () => clearTimeout(timer);
  return call;
}
