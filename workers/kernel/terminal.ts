/**
 * The console as the kernel's terminal: what is typed (type-ahead waits for whichever top-level
 * process reads), its size, and its foreground process (the last entry or console tool still
 * alive), which Ctrl-C, Ctrl-D and SIGWINCH are for.
 */
import { Signal } from '../protocol/constants';
import type { Pid, RunRequest, TerminalInfo } from '../protocol/kernel';
import type { ProcessRecord, ProcessTable } from './process-table';
import { StdinPipe } from './stdin';

const utf8 = new TextEncoder();

/** A terminal's width or height, as the page or the CLI may give it. */
const isTerminalSize = (n: unknown): n is number =>
  Number.isInteger(n) && (n as number) > 0 && (n as number) < 10_000;

export interface TerminalHooks {
  /** Every process reads the new size. */
  sized(columns: number, rows: number): void;
  /** kill(2) from the console. */
  signal(to: Pid, signal: number): void;
}

export class Terminal {
  /** The playground's console until a run says otherwise (the CLI): every stream a terminal. */
  readonly info: TerminalInfo = { isatty: [true, true, true], columns: 80, rows: 24 };
  /** The run's input: top-level processes read it, in turn. */
  private input = new StdinPipe();
  /** Each process's standard input. */
  private readonly stdin = new Map<Pid, StdinPipe>();
  /** Top-level processes in the order they started: the last one alive is the foreground. */
  private entries: Pid[] = [];

  constructor(
    private readonly table: ProcessTable,
    private readonly hooks: TerminalHooks,
  ) {}

  /** A new run: fresh input, no entries; the size stays unless the run (the CLI) says its own. */
  reset(terminal: RunRequest['terminal']): void {
    const tty = (fd: number) => !terminal || terminal.isatty?.[fd] === true;
    this.info.isatty = [tty(0), tty(1), tty(2)];
    if (terminal) this.resize(terminal.columns, terminal.rows);
    this.entries = [];
    this.input = new StdinPipe();
  }

  /** A process's input: for a top-level one `own` (a console tool's) or the run's, which it
   * becomes the foreground of; for a command that inherits it, `inputOf`'s (its parent's); any
   * other child reads end of file, as multiprocessing arranges. */
  attach(pid: Pid, topLevel: boolean, own?: StdinPipe, inputOf?: Pid): void {
    let stdin = own ?? this.input;
    const shared = inputOf === undefined ? undefined : this.stdin.get(inputOf);
    if (shared) stdin = shared;
    else if (!topLevel) {
      stdin = new StdinPipe();
      stdin.close();
    }
    this.stdin.set(pid, stdin);
  }

  /** A top-level process now in the foreground (again, after `fg`). */
  entered(pid: Pid): void {
    this.entries = this.entries.filter((p) => p !== pid);
    this.entries.push(pid);
  }

  stdinOf(pid: Pid): StdinPipe | undefined {
    return this.stdin.get(pid);
  }

  exited(pid: Pid): void {
    this.stdin.delete(pid);
  }

  write(text: string): void {
    this.typedInto().write(utf8.encode(text));
  }

  close(): void {
    this.typedInto().close();
  }

  endOfFile(): void {
    this.typedInto().endOfFile();
  }

  /** Where typed text goes: the foreground process's input, or the run's (type-ahead). */
  private typedInto(): StdinPipe {
    const fg = this.foreground();
    return (fg && this.stdin.get(fg.pid)) ?? this.input;
  }

  resize(columns: number, rows: number): void {
    if (!isTerminalSize(columns) || !isTerminalSize(rows)) return;
    const changed = columns !== this.info.columns || rows !== this.info.rows;
    Object.assign(this.info, { columns, rows });
    this.hooks.sized(columns, rows);
    // A terminal tells its foreground process group with SIGWINCH (ignored unless handled).
    const fg = this.foreground();
    if (!changed || !fg) return;
    for (const p of this.table.group(fg.pgid)) {
      if (p.signals.wants(Signal.SIGWINCH)) this.hooks.signal(p.pid, Signal.SIGWINCH);
    }
  }

  /** Ctrl-C: SIGINT to every process of the foreground process group. */
  interrupt(): void {
    const fg = this.foreground();
    if (!fg) return;
    for (const p of this.table.group(fg.pgid)) this.hooks.signal(p.pid, Signal.SIGINT);
  }

  /** The foreground process group, while a process holds it. */
  foregroundGroup(): Pid | undefined {
    return this.foreground()?.pgid;
  }

  private foreground(): ProcessRecord | undefined {
    for (const pid of [...this.entries].reverse()) {
      const p = this.table.get(pid);
      if (p && p.state !== 'exited') return p;
    }
    return undefined;
  }
}
