/**
 * Which rows of the console each write of a program took, so that a click on a line finds the
 * write on the Timeline, and the Timeline's write finds its lines (issue 20).
 *
 * Rows are counted from the first ever shown, so that they stay true as the scrollback lets old
 * rows go. xterm keeps a marker's row current as rows go, but each marker listens to every row
 * let go: one anchor marker, moved down from time to time, counts them for all the writes.
 */
import type { IMarker, Terminal } from '@xterm/xterm';
import type { OutputChunk, Pid } from '../../workers/protocol/kernel';

/** A program's write, as the Timeline shows it. */
export interface OutputMark {
  id: number;
  pid: Pid;
  tid: Pid;
  /** When, on the trace's clock. */
  t: number;
  fd: 1 | 2;
  /** Its first line, for the Timeline's hover. */
  text: string;
}

interface Written {
  mark: OutputMark;
  /** The first and last row it took, counted from the first row ever shown. */
  first: number;
  last: number;
}

/** Writes remembered: the newest ones, about the scrollback's worth. */
const MOST_WRITES = 5000;
/** The anchor moves down once fewer rows than this are above it. */
const ANCHOR_MARGIN = 1000;

export class ConsoleWrites {
  private writes: Written[] = [];
  private nextId = 1;
  /** Each chunk keeps its id when shown again (a resize lays the console out anew), so the
   * Timeline's dots still find their lines. */
  private readonly ids = new WeakMap<OutputChunk, number>();
  /** Counts resets: a write under way across one is not remembered (its rows were counted
   * partly before it). */
  private epoch = 0;
  /** A marker, the rows let go before it was set, and its row then. */
  private anchor: { marker: IMarker; gone: number; row: number } | null = null;

  constructor(private readonly terminal: Terminal) {}

  /** Writes `data`, the terminal data of `chunk`, remembering its rows. Resolves once shown. */
  write(data: string, chunk: OutputChunk): Promise<void> {
    if (chunk.t === undefined || !data) {
      return new Promise((resolve) => this.terminal.write(data, resolve));
    }
    let first = 0;
    const epoch = this.epoch;
    // Output to a line another wrote begins on a new line (Console.format): not the row before.
    const newLine = data.startsWith('\r\n') || /^(?:\x1b\[[0-9;]*m)*\r\n/.test(data); // eslint-disable-line no-control-regex
    this.terminal.write('', () => (first = this.cursorRow() + (newLine ? 1 : 0)));
    return new Promise((resolve) =>
      this.terminal.write(data, () => {
        const buffer = this.terminal.buffer.active;
        // A write that ended its line leaves the cursor at the start of the next.
        const last = this.cursorRow() - (buffer.cursorX === 0 ? 1 : 0);
        if (epoch !== this.epoch) return resolve(); // reset (or rows lost) while it was written
        let id = this.ids.get(chunk);
        if (id === undefined) this.ids.set(chunk, (id = this.nextId++));
        this.remember({
          mark: {
            id,
            pid: chunk.pid,
            tid: chunk.tid ?? chunk.pid,
            t: chunk.t!,
            fd: chunk.fd,
            text: chunk.text.split('\n').find((line) => line.trim()) ?? '',
          },
          first,
          last: Math.max(first, last),
        });
        resolve();
      }),
    );
  }

  /** The writes remembered, oldest first. */
  marks(): OutputMark[] {
    return this.writes.map((w) => w.mark);
  }

  /** The write shown at a row of the buffer (0: its first row still kept). */
  at(bufferRow: number): OutputMark | null {
    const row = this.gone() + bufferRow;
    // The last write that began at or before the row.
    let low = 0;
    let high = this.writes.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.writes[middle].first <= row) low = middle + 1;
      else high = middle;
    }
    const written = this.writes[low - 1];
    return written && row <= written.last ? written.mark : null;
  }

  /** The buffer rows a write took, while the scrollback still holds them. */
  rowsOf(id: number): { first: number; last: number } | null {
    const written = this.writes.find((w) => w.mark.id === id);
    const gone = this.gone();
    if (!written || written.first < gone) return null;
    return { first: written.first - gone, last: written.last - gone };
  }

  /** The terminal was reset: its rows are counted anew. */
  clear(): void {
    this.epoch += 1;
    this.anchor?.marker.dispose();
    this.anchor = null;
    this.writes = [];
  }

  private remember(written: Written): void {
    this.writes.push(written);
    if (this.writes.length > MOST_WRITES) this.writes.splice(0, MOST_WRITES / 4);
  }

  /** The cursor's row, counted from the first row ever shown. */
  private cursorRow(): number {
    const buffer = this.terminal.buffer.active;
    return this.gone() + buffer.baseY + buffer.cursorY;
  }

  /** How many rows the scrollback has let go. */
  private gone(): number {
    let anchor = this.anchor;
    if (anchor?.marker.isDisposed) {
      // More rows went at once than were above the anchor: what was remembered is lost.
      this.clear();
      anchor = null;
    }
    const gone = anchor ? anchor.gone + (anchor.row - anchor.marker.line) : 0;
    const buffer = this.terminal.buffer.active;
    const below = buffer.baseY + buffer.cursorY - (anchor?.marker.line ?? 0);
    if (!anchor || (anchor.marker.line < ANCHOR_MARGIN && below > ANCHOR_MARGIN)) {
      const marker = this.terminal.registerMarker(0); // at the cursor: the lowest row
      if (marker) {
        anchor?.marker.dispose();
        this.anchor = { marker, gone, row: marker.line };
      }
    }
    return gone;
  }
}
