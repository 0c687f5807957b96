import {
  ANSWER_AT,
  ANSWER_CAPACITY,
  ANSWER_LENGTH_INDEX,
  ANSWERED_INDEX,
  CLOSED_INDEX,
  COLUMNS_INDEX,
  DOORBELL,
  DOORBELL_INDEX,
  PENDING_INDEX,
  ROWS_INDEX,
  Errno,
} from '../protocol/constants';

/** How often the kernel rings again while a signal waits untaken (a ring can be lost). */
const RERING_MS = 20;

/**
 * The kernel's end of one process's interrupt buffer: signals and switch-interval ticks.
 * See the layout in protocol/constants.ts.
 */
export class InterruptLine {
  private ticker: ReturnType<typeof setInterval> | undefined;
  private rering: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly buffer: Int32Array) {}

  /** Marks `signal` pending and rings until the process has taken it. */
  deliver(signal: number): void {
    Atomics.or(this.buffer, PENDING_INDEX, 1 << signal);
    Atomics.store(this.buffer, DOORBELL_INDEX, DOORBELL);
    this.rering ??= setInterval(() => {
      if (Atomics.load(this.buffer, PENDING_INDEX) === 0) {
        clearInterval(this.rering);
        this.rering = undefined;
      } else {
        this.ring();
      }
    }, RERING_MS);
  }

  /** The terminal's size, read by `os.get_terminal_size()`. */
  setTerminalSize(columns: number, rows: number): void {
    Atomics.store(this.buffer, COLUMNS_INDEX, columns);
    Atomics.store(this.buffer, ROWS_INDEX, rows);
  }

  /** The process's close number `seq` is carried out: its worker, waiting, goes on. */
  closed(seq: number): void {
    Atomics.store(this.buffer, CLOSED_INDEX, seq);
    Atomics.notify(this.buffer, CLOSED_INDEX);
  }

  /** The process's call number `seq` answered `value` (JSON): its worker, waiting, reads it. */
  answer(seq: number, value: unknown): void {
    let json = new TextEncoder().encode(JSON.stringify(value ?? null));
    if (json.length > ANSWER_CAPACITY) json = new TextEncoder().encode(`{"errno":${Errno.EIO}}`);
    new Uint8Array(this.buffer.buffer, ANSWER_AT, json.length).set(json);
    Atomics.store(this.buffer, ANSWER_LENGTH_INDEX, json.length);
    Atomics.store(this.buffer, ANSWERED_INDEX, seq);
    Atomics.notify(this.buffer, ANSWERED_INDEX);
  }

  pending(): boolean {
    return Atomics.load(this.buffer, PENDING_INDEX) !== 0;
  }

  /** Rings every `ms` (a switch-interval tick) until called with 0. */
  setTicker(ms: number): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
    if (ms > 0) this.ticker = setInterval(() => this.ring(), Math.max(1, ms));
  }

  close(): void {
    clearInterval(this.ticker);
    clearInterval(this.rering);
    this.ticker = this.rering = undefined;
  }

  private ring(): void {
    Atomics.compareExchange(this.buffer, DOORBELL_INDEX, 0, DOORBELL);
  }
}
