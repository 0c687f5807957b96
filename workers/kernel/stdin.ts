/**
 * A process's standard input: bytes typed into the console, read by `input()` / `sys.stdin`.
 * Readers wait until data or end of file arrives. Like a terminal in canonical mode, one read
 * returns at most one line: two threads blocked in `input()` then get a line each, as on Linux,
 * even when both lines arrive at once.
 */
export class StdinPipe {
  /** What waits to be read; an empty chunk is one end of file typed at a terminal (Ctrl-D). */
  private chunks: Uint8Array[] = [];
  private closed = false;
  private readers: (() => void)[] = [];

  write(data: Uint8Array): void {
    if (this.closed || data.length === 0) return;
    this.chunks.push(data);
    this.wakeReaders();
  }

  /** Ctrl-D on an empty line, as a tty gives it: one read returns end of file, and the reads
   * after it wait for new input. */
  endOfFile(): void {
    if (this.closed) return;
    this.chunks.push(new Uint8Array(0));
    this.wakeReaders();
  }

  /** The writing end is gone (a pipe closed): every read from now on is end of file. */
  close(): void {
    this.closed = true;
    this.wakeReaders();
  }

  /** Data at hand, end of file (empty array), or null when a reader must wait. */
  take(max: number): Uint8Array | null {
    const first = this.chunks[0];
    if (!first) return this.closed ? new Uint8Array(0) : null;
    if (first.length === 0) return this.chunks.shift()!;
    const newline = first.indexOf(0x0a);
    if (newline >= 0) max = Math.min(max, newline + 1);
    if (first.length <= max) {
      this.chunks.shift();
      return first;
    }
    this.chunks[0] = first.subarray(max);
    return first.subarray(0, max);
  }

  /** Resolves when `take` may have something; `cancel` drops the wait. */
  ready(): { promise: Promise<void>; cancel(): void } {
    let wake!: () => void;
    const promise = new Promise<void>((resolve) => (wake = resolve));
    this.readers.push(wake);
    return { promise, cancel: () => (this.readers = this.readers.filter((r) => r !== wake)) };
  }

  private wakeReaders(): void {
    const readers = this.readers;
    this.readers = [];
    for (const wake of readers) wake();
  }
}
