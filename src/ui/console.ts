/**
 * The console: an xterm terminal that shows every process's output in arrival order, and a
 * cooked-mode line discipline that sends typed lines to the foreground process.
 */
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { Unicode11Addon } from '@xterm/addon-unicode11';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import type { OutputChunk } from '../../workers/protocol/kernel';

/** ANSI colours for `[pid]` tags, chosen by pid. Red is kept for stderr. */
const TAG_COLOURS = [36, 33, 35, 32, 34, 96, 93, 95, 92, 94];

/** East Asian wide characters take two cells: erasing one takes two backspaces. */
const WIDE =
  /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/;

export interface ConsoleInput {
  line(text: string): void;
  interrupt(): void;
  endOfFile(): void;
}

export class Console {
  readonly terminal: Terminal;
  private readonly fit = new FitAddon();
  readonly search = new SearchAddon();
  private readonly atLineStart = new Map<string, boolean>();
  /** The line being typed (cooked mode): echoed locally, sent on Enter. */
  private typed = '';
  showTags = true;

  constructor(host: HTMLElement, input: ConsoleInput) {
    this.terminal = new Terminal({
      allowProposedApi: true, // the unicode11 addon needs it
      convertEol: false,
      cursorBlink: true,
      fontFamily: '"JetBrains Mono", "Noto Sans Mono CJK SC", Menlo, Consolas, monospace',
      fontSize: 13,
      scrollback: 5000,
      theme: { background: '#14161b' },
    });
    this.terminal.loadAddon(this.fit);
    this.terminal.loadAddon(new Unicode11Addon());
    this.terminal.unicode.activeVersion = '11';
    this.terminal.loadAddon(new WebLinksAddon());
    this.terminal.loadAddon(this.search);
    this.terminal.open(host);
    new ResizeObserver(() => this.fit.fit()).observe(host);
    this.fit.fit();
    this.terminal.onData((data) => this.onTyped(data, input));
  }

  /** Writes process output; resolves once xterm has parsed it (the kernel's back-pressure). */
  output(chunks: OutputChunk[]): Promise<void> {
    let text = '';
    for (const chunk of chunks) text += this.format(chunk);
    return new Promise((resolve) => this.terminal.write(text, resolve));
  }

  /** A line from Procbox itself (not from a process), dimmed or coloured. */
  note(text: string, colour: 'dim' | 'yellow' | 'red' = 'dim'): void {
    const code = { dim: '2', yellow: '33', red: '31' }[colour];
    this.terminal.write(`\x1b[${code}m${text.replace(/\n/g, '\r\n')}\x1b[0m\r\n`);
  }

  clear(): void {
    this.terminal.reset();
    this.atLineStart.clear();
    this.typed = '';
  }

  /** The terminal's text as shown, one line per row (for tests and copy). */
  text(): string {
    const buffer = this.terminal.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buffer.length; i++) {
      const line = buffer.getLine(i);
      if (line?.isWrapped && lines.length > 0)
        lines[lines.length - 1] += line.translateToString(true);
      else lines.push(line?.translateToString(true) ?? '');
    }
    return lines.join('\n').trimEnd();
  }

  private format(chunk: OutputChunk): string {
    const key = `${chunk.pid}:${chunk.fd}`;
    const colour = TAG_COLOURS[chunk.pid % TAG_COLOURS.length];
    const tag = this.showTags ? `\x1b[${colour}m[${chunk.pid}]\x1b[0m ` : '';
    const [open, close] = chunk.fd === 2 ? ['\x1b[31m', '\x1b[0m'] : ['', ''];
    let out = '';
    for (const piece of chunk.text.split(/(?<=\n)/)) {
      if (this.atLineStart.get(key) !== false) out += tag;
      out += open + piece.replace(/\n/g, '\r\n') + close;
      this.atLineStart.set(key, piece.endsWith('\n'));
    }
    return out;
  }

  private onTyped(data: string, input: ConsoleInput): void {
    for (const ch of data) {
      if (ch === '\r' || ch === '\n') {
        this.terminal.write('\r\n');
        input.line(this.typed + '\n');
        this.typed = '';
      } else if (ch === '\x03') {
        this.terminal.write('^C\r\n');
        this.typed = '';
        input.interrupt();
      } else if (ch === '\x04') {
        if (this.typed) input.line(this.typed);
        this.typed = '';
        input.endOfFile();
      } else if (ch === '\x7f' || ch === '\b') {
        if (this.typed) {
          const last = [...this.typed].at(-1) ?? '';
          this.typed = this.typed.slice(0, -last.length);
          this.terminal.write('\b \b'.repeat(WIDE.test(last) ? 2 : 1));
        }
      } else if (ch >= ' ' || ch === '\t') {
        this.typed += ch;
        this.terminal.write(ch);
      }
    }
  }
}
