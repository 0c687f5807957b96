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
import type { OutputChunk, Pid } from '../../workers/protocol/kernel';
import { tagColour } from './palette';
import { TERMINAL_THEMES, type Theme } from './theme';
import { tracebackPlaces } from './traceback-links';
import { padWords, wrapWords } from './word-wrap';
import { ConsoleWrites, type OutputMark } from './console-writes';

/** East Asian wide characters and emoji take two cells: erasing one takes two backspaces. */
const WIDE =
  /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1faff}\u{20000}-\u{3fffd}]/u;

const RESET = '\x1b[0m';
/** What the console keeps to show again when the tags toggle: about its scrollback's worth. */
const MOST_KEPT_CHARS = 2_000_000;
/** Up to this much kept, a change of width lays the console out again, its notes wrapped anew;
 * beyond it, the terminal's own reflow is cheaper. */
const MOST_RELAID_CHARS = 200_000;

/** Escape sequences a key press produces (arrows, function keys): ignored in cooked mode. */
const KEY_SEQUENCE = /\x1b(?:\[[0-9;?]*[ -/]*[@-~]|O.|.)?/g; // eslint-disable-line no-control-regex

export interface ConsoleInput {
  line(text: string): void;
  interrupt(): void;
  endOfFile(): void;
}

export type NoteColour = 'dim' | 'yellow' | 'red';

/** A line of Procbox's own, kept as text so that it is wrapped again at a new width. */
interface Note {
  note: string;
  colour: NoteColour;
  wrap: boolean;
}

/** What the console keeps of what it showed: process output, a note, or terminal data written
 * (the user's echo). */
type Shown = OutputChunk | Note | string;

const sizeOf = (item: Shown): number =>
  typeof item === 'string' ? item.length : 'note' in item ? item.note.length : item.text.length;
export class Console {
  readonly terminal: Terminal;
  readonly search = new SearchAddon();
  private readonly fit = new FitAddon();
  /** Per process: does its next character start a line (and so get a tag)? */
  private readonly atLineStart = new Map<Pid, boolean>();
  /** Whether the terminal's cursor sits at the start of a line, as of the last write queued. */
  private cursorAtLineStart = true;
  /** Who wrote last: a pid, or null for Procbox's own lines and the user's typing. */
  private lastWriter: Pid | null = null;
  /** The line being typed (cooked mode): echoed locally, sent on Enter. */
  private typed = '';
  private lastWasCR = false;
  private tags = true;
  private readonly refit: () => void;
  /** What the console shows since it was last cleared, to show again when the tags toggle or
   * the width changes. Bounded. */
  private shown: Shown[] = [];
  private shownChars = 0;
  /** The rows each program's write took: the Timeline's link to the console. */
  private readonly writes: ConsoleWrites;

  constructor(host: HTMLElement, input: ConsoleInput) {
    this.terminal = new Terminal({
      allowProposedApi: true, // the unicode11 addon needs it
      cursorBlink: true,
      fontFamily:
        '"JetBrains Mono", "Cascadia Mono", "Noto Sans Mono CJK SC", "Sarasa Mono SC", Menlo, Consolas, monospace',
      fontSize: 13,
      lineHeight: 1.15,
      scrollback: 5000,
      theme: TERMINAL_THEMES.dark,
    });
    this.writes = new ConsoleWrites(this.terminal);
    this.terminal.loadAddon(this.fit);
    this.terminal.loadAddon(new Unicode11Addon());
    this.terminal.unicode.activeVersion = '11';
    this.terminal.loadAddon(new WebLinksAddon());
    this.terminal.loadAddon(this.search);
    this.terminal.open(host);
    this.refit = () => {
      if (host.clientWidth > 0 && host.clientHeight > 0) this.fit.fit();
    };
    new ResizeObserver(this.refit).observe(host);
    this.refit();
    let relayout: ReturnType<typeof setTimeout> | undefined;
    this.terminal.onResize(() => {
      clearTimeout(relayout);
      relayout = setTimeout(() => this.relayOut(), 150);
    });
    this.terminal.onData((data) => this.onTyped(data, input));
    // Tab moves the focus on, as elsewhere on the page: the cooked line has no completion.
    this.terminal.attachCustomKeyEventHandler((event) => event.key !== 'Tab');
  }

  /** The theme's palette and the chosen text size; the terminal refits to its new cell size. */
  setAppearance(theme: Theme, fontSize: number): void {
    // A new theme object redraws the whole terminal: only when it changes.
    if (this.terminal.options.theme !== TERMINAL_THEMES[theme]) {
      this.terminal.options.theme = TERMINAL_THEMES[theme];
    }
    if (this.terminal.options.fontSize !== fontSize) {
      this.terminal.options.fontSize = fontSize;
      this.refit();
    }
  }

  /** The terminal's own words for assistive technology, in the page's language. */
  setLabels(promptLabel: string, tooMuchOutput: string): void {
    Terminal.strings.promptLabel = promptLabel;
    Terminal.strings.tooMuchOutput = tooMuchOutput;
    // xterm reads the label as it opens: the open terminal's is set here.
    this.terminal.textarea?.setAttribute('aria-label', promptLabel);
  }

  get showTags(): boolean {
    return this.tags;
  }

  /** Shows `[pid] ` tags, or not, on what is shown already as on what comes. */
  set showTags(on: boolean) {
    if (on === this.tags) return;
    this.tags = on;
    this.relayOut();
  }

  /** Shows again what is kept, at the terminal's width and with the tags as they are now. */
  private relayOut(): void {
    const { shown, typed } = this;
    if (shown.length === 0 || this.shownChars > MOST_RELAID_CHARS) return;
    this.clear();
    this.typed = typed; // the line being typed stays, shown again with the rest
    let data = '';
    for (const item of shown) {
      if (typeof item === 'string') data += this.afterOwnText(item);
      else if ('note' in item) data += this.afterOwnText(this.noteText(item));
      else {
        this.terminal.write(data);
        data = '';
        void this.writes.write(this.format(item), item);
      }
      this.keep(item);
    }
    if (data) this.terminal.write(data);
  }

  /** Writes process output; resolves once xterm has parsed it (the kernel's back-pressure). */
  output(chunks: OutputChunk[]): Promise<void> {
    let written = Promise.resolve();
    for (const chunk of chunks) {
      const data = this.format(chunk);
      this.keep(chunk);
      if (data) written = this.writes.write(data, chunk);
    }
    return written;
  }

  /** The programs' writes the console remembers, for the Timeline. */
  marks(): OutputMark[] {
    return this.writes.marks();
  }

  /** Calls `listener` with the program's write on a line clicked (not on a selection made). */
  onWriteClick(listener: (mark: OutputMark) => void): void {
    this.terminal.element?.addEventListener('click', (event) => {
      const screen = this.terminal.element?.querySelector('.xterm-screen');
      if (!screen || this.terminal.hasSelection()) return;
      const box = screen.getBoundingClientRect();
      const row = Math.floor(((event.clientY - box.top) / box.height) * this.terminal.rows);
      if (row < 0 || row >= this.terminal.rows) return;
      const mark = this.writes.at(this.terminal.buffer.active.viewportY + row);
      if (mark) listener(mark);
    });
  }

  /** Scrolls to a write's lines and selects them; false once the scrollback has let them go. */
  showWrite(id: number): boolean {
    const rows = this.writes.rowsOf(id);
    if (!rows) return false;
    this.terminal.scrollToLine(Math.max(0, rows.first - 2));
    this.terminal.selectLines(rows.first, rows.last);
    return true;
  }

  /** A line from Procbox itself (not from a process), dimmed or coloured, on a line of its own.
   * Never broken mid-word: with `wrap`, long lines break into new ones with a hanging indent
   * (help, hints); otherwise the terminal wraps them where a space was widened (`padWords`). */
  note(text: string, colour: NoteColour = 'dim', wrap = false): void {
    const note = { note: text, colour, wrap };
    this.keep(note);
    this.terminal.write(this.afterOwnText(this.noteText(note)));
  }

  private noteText({ note, colour, wrap }: Note): string {
    const columns = this.terminal.cols;
    const text = wrap ? wrapWords(note, columns) : padWords(note, columns);
    // Not SGR 2 (faint): half-bright text falls below 4.5:1 contrast; bright black is chosen to keep it.
    const code = { dim: '90', yellow: '33', red: '31' }[colour];
    const start = this.cursorAtLineStart ? '' : '\r\n';
    return `${start}\x1b[${code}m${text.replace(/\r?\n/g, '\r\n')}${RESET}\r\n`;
  }

  /** Notes where the cursor is after `data`, text of Procbox's own or the user's; returns it. */
  private afterOwnText(data: string): string {
    this.cursorAtLineStart = /\n(?:\x1b\[[0-9;]*m)*$/.test(data); // eslint-disable-line no-control-regex
    this.lastWriter = null;
    return data;
  }

  clear(): void {
    this.terminal.reset();
    this.writes.clear();
    this.shown = [];
    this.shownChars = 0;
    this.atLineStart.clear();
    this.cursorAtLineStart = true;
    this.lastWriter = null;
    this.typed = '';
  }

  focus(): void {
    this.terminal.focus();
  }

  /**
   * Makes each `File "…", line N` of a traceback that names a workspace file a link: clicking
   * it calls `open(path, line)`.
   */
  linkTracebacks(
    isWorkspaceFile: (path: string) => boolean,
    open: (path: string, line: number) => void,
  ): void {
    this.terminal.registerLinkProvider({
      provideLinks: (y, callback) => {
        const line = this.terminal.buffer.active.getLine(y - 1);
        if (!line) return callback(undefined);
        // The row's text, and each of its UTF-16 units' cell: a wide character takes two cells.
        let text = '';
        const cellOf: number[] = [];
        for (let x = 0; x < line.length; x++) {
          const cell = line.getCell(x);
          if (!cell || cell.getWidth() === 0) continue; // a wide character's right half
          const chars = cell.getChars() || ' ';
          text += chars;
          for (let i = 0; i < chars.length; i++) cellOf.push(x);
        }
        const links = tracebackPlaces(text, isWorkspaceFile).map((place) => ({
          range: {
            start: { x: cellOf[place.start] + 1, y },
            end: { x: cellOf[place.end - 1] + 1, y },
          },
          text: text.slice(place.start, place.end),
          activate: () => open(place.path, place.line),
        }));
        callback(links.length > 0 ? links : undefined);
      },
    });
  }

  /** Calls `listener` with the size now and at every change: the processes' terminal size. */
  onSize(listener: (columns: number, rows: number) => void): void {
    listener(this.terminal.cols, this.terminal.rows);
    this.terminal.onResize(({ cols, rows }) => listener(cols, rows));
  }

  /** The buffer's rows as the terminal laid them out; `wrapped` when a row continues the one
   * above because the line was longer than the terminal is wide, `spaceAtEnd` when its last
   * cell holds a written space (a break `padWords` made, not an empty cell). */
  rows(): { text: string; wrapped: boolean; spaceAtEnd: boolean }[] {
    const buffer = this.terminal.buffer.active;
    const rows: { text: string; wrapped: boolean; spaceAtEnd: boolean }[] = [];
    for (let i = 0; i < buffer.length; i++) {
      const line = buffer.getLine(i);
      if (!line) continue;
      const spaceAtEnd = line.getCell(line.length - 1)?.getChars() === ' ';
      rows.push({ text: line.translateToString(true), wrapped: line.isWrapped, spaceAtEnd });
    }
    return rows;
  }

  /** The text xterm holds in its active buffer, one line per logical line (wrapped rows are
   * joined, with the space a padded break stood for). */
  text(): string {
    const lines: string[] = [];
    let spaceBefore = false;
    for (const { text, wrapped, spaceAtEnd } of this.rows()) {
      const last = lines.length - 1;
      if (!wrapped || last < 0) lines.push(text);
      else if (spaceBefore) lines[last] = `${lines[last].trimEnd()} ${text}`;
      else lines[last] += text;
      spaceBefore = spaceAtEnd;
    }
    return lines.join('\n').trimEnd();
  }

  /** Keeps what is shown, up to the scrollback's worth (dropped in steps of a quarter). */
  private keep(item: Shown): void {
    this.shown.push(item);
    this.shownChars += sizeOf(item);
    if (this.shownChars <= MOST_KEPT_CHARS) return;
    const drop = Math.ceil(this.shown.length / 4);
    for (const gone of this.shown.splice(0, drop)) this.shownChars -= sizeOf(gone);
  }

  /** Writes Procbox's own text or the user's echo (process output goes through `format`). */
  private emit(data: string): void {
    if (!data) return;
    this.keep(data);
    this.terminal.write(this.afterOwnText(data));
  }

  /**
   * One chunk as terminal data: stderr in red, LF as CRLF, and `[pid] ` wherever this process's
   * text begins a line: at its own line starts, and where its text continues a line after
   * something else was written in between (another process, a notice, the user's Enter).
   */
  private format(chunk: OutputChunk): string {
    const { pid, text } = chunk;
    if (!text) return '';
    const tag = this.tags ? `\x1b[${tagColour(pid)}m[${pid}]${RESET} ` : '';
    const [open, close] = chunk.fd === 2 ? ['\x1b[31m', RESET] : ['', ''];
    let out = '';
    for (const piece of text.split(/(?<=\n)/)) {
      if (!piece) continue;
      const ownLineStart = this.atLineStart.get(pid) ?? true;
      if (ownLineStart || this.cursorAtLineStart || this.lastWriter !== pid) out += tag;
      // A carriage return (a progress bar) goes back to the start of the line, after the tag.
      const body = piece.replace(/\r(?!\n)/g, `\r${tag}${open}`).replace(/\r?\n/g, '\r\n');
      out += open + body + close;
      const ended = piece.endsWith('\n');
      this.atLineStart.set(pid, ended);
      this.cursorAtLineStart = ended;
      this.lastWriter = pid;
    }
    return out;
  }

  /** Cooked mode: echo and buffer printable input; Enter sends the line. */
  private onTyped(data: string, input: ConsoleInput): void {
    for (const ch of data.replace(KEY_SEQUENCE, '')) {
      const afterCR = this.lastWasCR;
      this.lastWasCR = ch === '\r';
      if (ch === '\n' && afterCR) continue; // a pasted CRLF is one line end
      if (ch === '\r' || ch === '\n') {
        this.emit('\r\n');
        input.line(this.typed + '\n');
        this.typed = '';
      } else if (ch === '\x03') {
        this.emit('^C\r\n');
        this.typed = '';
        input.interrupt();
      } else if (ch === '\x04') {
        // As a tty does: Ctrl-D sends a partly typed line as it is; on an empty line it is EOF.
        if (this.typed) input.line(this.typed);
        else input.endOfFile();
        this.typed = '';
      } else if (ch === '\x15') {
        // Ctrl-U: erase the whole typed line.
        while (this.typed) this.eraseLast();
      } else if (ch === '\x7f' || ch === '\b') {
        this.eraseLast();
      } else if (ch >= ' ' || ch === '\t') {
        this.typed += ch;
        this.emit(ch);
      }
    }
  }

  private eraseLast(): void {
    const last = [...this.typed].at(-1);
    if (last === undefined) return;
    this.typed = this.typed.slice(0, -last.length);
    this.emit('\b \b'.repeat(WIDE.test(last) ? 2 : 1));
  }
}
