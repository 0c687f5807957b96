import type { WorkspaceChange } from '../protocol/common';
import type {
  DeadlockReport,
  KernelNoticeKey,
  KernelObserver,
  OutputChunk,
  ProcessInfo,
} from '../protocol/kernel';
import type { SocketInfo } from '../protocol/net';

type Item =
  | { kind: 'output'; chunk: OutputChunk; shown: () => void }
  | { kind: 'table' }
  | { kind: 'notice'; key: KernelNoticeKey; detail: string }
  | { kind: 'deadlock'; report: DeadlockReport }
  | { kind: 'files'; changes: WorkspaceChange[] };

/** Largest batch of text handed to the UI in one call. */
const BATCH_CHARS = 64 * 1024;
/** Up to this many pieces of output in one batch, none is merged with its neighbour. */
const MOST_SEPARATE_CHUNKS = 64;
/** Text the kernel holds for the UI before it stops draining the console ring. */
const BACKLOG_HIGH_WATER = 256 * 1024;
/** How often, at most, the process list follows socket and wait changes (`tableChangedSoon`). */
export const TABLE_INTERVAL_MS = 50;

/**
 * Everything the kernel tells the UI, in order: output, process-table changes and notices.
 * Before queueing an item of the kernel's own, it takes what is waiting in the console ring
 * (`sync`), so a process's exit never overtakes its last lines, nor a notice the lines before
 * it. The backlog for the UI is the console's back-pressure: above the high water the kernel
 * stops draining the ring (`congested`), and a flooding writer then waits for room.
 */
export class Outbox {
  private queue: Item[] = [];
  private flushing = false;
  private flushed: (() => void)[] = [];
  /** Characters queued for, or in flight to, the UI. */
  private backlog = 0;
  private drained: (() => void)[] = [];
  private tableTimer: ReturnType<typeof setTimeout> | undefined;
  /** A `tableChangedSoon` waits for the end of the interval. */
  private tableDue = false;

  /** Set by the console's reader: moves what waits in the console ring into this queue. */
  sync: () => void = () => {};

  constructor(
    private readonly observer: () => KernelObserver | null,
    private readonly table: () => ProcessInfo[],
    private readonly browserSockets: () => SocketInfo[] = () => [],
  ) {}

  /** Output in the console ring's order (the console's reader queues it). */
  output(chunk: OutputChunk): void {
    this.backlog += chunk.text.length;
    this.queue.push({ kind: 'output', chunk, shown: () => this.shown(chunk.text.length) });
    this.schedule();
  }

  congested(): boolean {
    return this.backlog > BACKLOG_HIGH_WATER;
  }

  /** Resolves once the UI has shown the backlog down to half the high water. */
  whenUncongested(): Promise<void> {
    if (this.backlog <= BACKLOG_HIGH_WATER / 2) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  private shown(chars: number): void {
    this.backlog -= chars;
    if (this.backlog <= BACKLOG_HIGH_WATER / 2) {
      for (const resolve of this.drained.splice(0)) resolve();
    }
  }

  /** The process list changed (a process started, ended or changed state): the UI hears it at
   * once, after the output before it. */
  tableChanged(): void {
    this.tableDue = false;
    this.sync();
    if (this.queue.at(-1)?.kind !== 'table') this.queue.push({ kind: 'table' });
    this.schedule();
  }

  /** A detail of the process list changed (sockets, what a process waits on): at once, then at
   * most every TABLE_INTERVAL_MS while changes keep coming. A server taking thousands of
   * connections a second would otherwise send the UI thousands of lists. */
  tableChangedSoon(): void {
    if (this.tableTimer !== undefined) {
      this.tableDue = true;
      return;
    }
    this.tableChanged();
    this.tableTimer = setTimeout(() => {
      this.tableTimer = undefined;
      if (this.tableDue) this.tableChangedSoon();
    }, TABLE_INTERVAL_MS);
  }

  notice(key: KernelNoticeKey, detail: string): void {
    this.sync();
    this.queue.push({ kind: 'notice', key, detail });
    this.schedule();
  }

  deadlock(report: DeadlockReport): void {
    this.sync();
    this.queue.push({ kind: 'deadlock', report });
    this.schedule();
  }

  /** Files the program changed in the workspace: after the output printed before the check. */
  files(changes: WorkspaceChange[]): void {
    if (changes.length === 0) return;
    this.sync();
    this.queue.push({ kind: 'files', changes });
    this.schedule();
  }

  /** Resolves once everything queued so far has reached the UI. */
  whenFlushed(): Promise<void> {
    this.sync();
    if (!this.flushing && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.flushed.push(resolve));
  }

  private schedule(): void {
    if (this.flushing) return;
    this.flushing = true;
    queueMicrotask(() => void this.flush());
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const observer = this.observer();
        const item = this.queue[0];
        if (item.kind === 'output') {
          const batch = this.takeOutputBatch();
          try {
            await observer?.output(batch.map((b) => b.chunk));
          } finally {
            for (const b of batch) for (const shown of b.shown) shown();
          }
        } else {
          this.queue.shift();
          if (item.kind === 'table') observer?.processes(this.table(), this.browserSockets());
          else if (item.kind === 'files') observer?.files(item.changes);
          else if (item.kind === 'deadlock') observer?.deadlock(item.report);
          else observer?.notice(item.key, item.detail);
        }
      }
    } finally {
      this.flushing = false;
      for (const resolve of this.flushed.splice(0)) resolve();
    }
  }

  /** Takes the leading run of output items: each its own piece (the Timeline shows each write)
   * until a flood, whose neighbours from one thread's stream are merged. */
  private takeOutputBatch(): { chunk: OutputChunk; shown: (() => void)[] }[] {
    const batch: { chunk: OutputChunk; shown: (() => void)[] }[] = [];
    let chars = 0;
    while (chars < BATCH_CHARS) {
      const item = this.queue[0];
      if (item?.kind !== 'output') break;
      this.queue.shift();
      chars += item.chunk.text.length;
      const last = batch.at(-1);
      const { pid, fd, tid } = item.chunk;
      const flood = batch.length >= MOST_SEPARATE_CHUNKS;
      if (flood && last?.chunk.pid === pid && last.chunk.fd === fd && last.chunk.tid === tid) {
        last.chunk = { ...last.chunk, text: last.chunk.text + item.chunk.text };
        last.shown.push(item.shown);
      } else {
        batch.push({ chunk: item.chunk, shown: [item.shown] });
      }
    }
    return batch;
  }
}
