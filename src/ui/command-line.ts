/**
 * The console's command line: a one-line shell under the console that starts console tools
 * (`nc`, `curl`, `kill`) as processes of their own beside the run, as a second terminal would;
 * any other line runs in `sh -c` (procbox/tools/sh.py): `python client.py`, pipelines, …
 * Each line is a job (ui/jobs.ts): `cmd &` runs in the background; `jobs`, `fg` and `kill %1`
 * work on them.
 */
import { CONSOLE_TOOLS } from '../../workers/protocol/constants';
import type { ConsoleTool } from '../../workers/protocol/kernel';

export type Command =
  | { kind: 'tool'; tool: ConsoleTool; argv: string[]; background: boolean }
  | { kind: 'jobs' }
  | { kind: 'fg'; spec: string | undefined }
  | { kind: 'help' }
  | { kind: 'clear' }
  | { kind: 'empty' }
  | { kind: 'unclosedQuote' };

/** Splits a line into words as a POSIX shell does for quotes and backslashes; no expansions. */
export function splitWords(line: string): string[] | null {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote === "'") {
      if (ch === "'") quote = null;
      else word += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = null;
      else if (ch === '\\' && '"\\$`'.includes(line[i + 1] ?? '')) word += line[++i];
      else word += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote) return null;
  if (inWord) words.push(word);
  return words;
}

/** A line that ends in a lone `&` (not `&&`, not quoted or escaped): the rest, run in the
 * background; else null. */
export function backgroundPart(line: string): string | null {
  const match = /^(.*?[^&\\])?&\s*$/s.exec(line);
  if (!match) return null;
  const rest = (match[1] ?? '').trimEnd();
  const words = splitWords(rest);
  return words && words.length > 0 ? rest : null; // `echo "a &"` is no background job
}

export function parseCommand(line: string): Command {
  const rest = backgroundPart(line);
  const background = rest !== null;
  const text = rest ?? line;
  const words = splitWords(text);
  if (!words) return { kind: 'unclosedQuote' };
  const [name] = words;
  if (name === undefined) return { kind: 'empty' };
  if (!background && name === 'help') return { kind: 'help' };
  if (!background && name === 'clear') return { kind: 'clear' };
  if (!background && name === 'jobs') return { kind: 'jobs' };
  if (!background && name === 'fg') return { kind: 'fg', spec: words[1] };
  const tool = CONSOLE_TOOLS.find((t) => t === name);
  return tool
    ? { kind: 'tool', tool, argv: words, background }
    : { kind: 'tool', tool: 'sh', argv: ['sh', '-c', text], background };
}

export interface CommandLineActions {
  /** Carries out a command; the line has been accepted (it goes into the history). */
  execute(command: Command, line: string): void;
}

/** Binds the input element: Enter runs the line, ↑/↓ walk the history. */
export function bindCommandLine(input: HTMLInputElement, actions: CommandLineActions): void {
  const history: string[] = [];
  let position = 0; // history.length: the line being typed
  let draft = '';
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      const line = input.value;
      const command = parseCommand(line);
      if (command.kind === 'empty') return;
      if (history.at(-1) !== line) history.push(line);
      position = history.length;
      input.value = '';
      actions.execute(command, line);
    } else if (event.key === 'ArrowUp' || event.key === 'ArrowDown') {
      event.preventDefault();
      if (position === history.length) draft = input.value;
      position = Math.max(
        0,
        Math.min(history.length, position + (event.key === 'ArrowUp' ? -1 : 1)),
      );
      input.value = position === history.length ? draft : history[position];
    }
  });
}
